"""Helpers the test suites share: named records and real tokens."""
