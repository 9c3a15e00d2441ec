"""Roster: a self-hosted course-membership service speaking the Nexudus API."""
