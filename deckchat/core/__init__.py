"""The vocabulary of deckchat: plain data and pure logic, no I/O or frameworks."""
