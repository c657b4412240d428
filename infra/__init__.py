"""paybot's Pulumi program: one stack per environment (see docs/deploy.md)."""
