"""bench.api_server: free ports and reading a process tree's CPU time from /proc."""

from __future__ import annotations

import os
import socket

from bench import api_server


def test_parse_stat_reads_parent_and_cpu_ticks():
    line = "4242 (gunicorn: worker [kickback) api]) S 4200 4200 4200 0 -1 4194560 900 0 0 0 150 25 0 0 20 0 3 0\n"
    assert api_server.parse_stat(line) == (4200, 175)


def test_tree_cpu_seconds_of_this_process_grows_with_work():
    before = api_server.tree_cpu_seconds(os.getpid())
    sum(range(20_000_000))
    assert api_server.tree_cpu_seconds(os.getpid()) > before


def test_free_port_can_be_bound_on_loopback():
    port = api_server.free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((api_server.HOST, port))
