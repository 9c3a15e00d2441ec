"""`roster bench`: time the CourseMember search on a large data set.

`dataset` writes the data, `workloads` says what is asked and what the
answer must be, `drive` runs the server, wrk and pgbench, `mixed` adds
writes, and `run` puts them together and reports.
"""
