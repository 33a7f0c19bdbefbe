"""Quality runs kept out of the test suite and out of CI: mutation testing of the rules."""
