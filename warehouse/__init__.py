"""The warehouse: its layout, the filesystems it lives on, and how partitions
are listed, published and recorded. The ground floor: the jobs' driver, the
HBase loader and Hive registration all import it; it imports none of them.
"""
