"""paybot core."""
