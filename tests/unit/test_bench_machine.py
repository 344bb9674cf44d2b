"""bench.machine: parsing /proc text."""

from __future__ import annotations

from bench import machine


def test_cpu_model_is_the_first_model_name():
    text = "processor\t: 0\nvendor_id\t: X\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n\nprocessor\t: 1\nmodel name\t: other\n"
    assert machine.parse_cpu_model(text) == "Intel(R) Xeon(R) CPU @ 2.20GHz"


def test_cpu_model_missing():
    assert machine.parse_cpu_model("processor : 0\n") is None


def test_mem_total_in_gib():
    assert machine.parse_mem_total_gib("MemTotal:       24576000 kB\nMemFree: 1 kB\n") == 23.4


def test_mem_total_missing():
    assert machine.parse_mem_total_gib("MemFree: 1 kB\n") is None

