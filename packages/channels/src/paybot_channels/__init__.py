"""paybot channels."""
