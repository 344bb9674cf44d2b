"""Packaging for KickBack device analytics: the domain packages and the
``kickback`` console script. Dependency ranges are pinned here and nowhere
else."""

from setuptools import find_packages, setup

INSTALL_REQUIRES = [
    "mrjob>=0.7.4,<0.8",
    "happybase>=1.3,<2",
    "thriftpy2>=0.4,<1",
    "pyhive[hive-pure-sasl]>=0.7,<0.8",
    # hive.dialect (the kickback+hive:// SQLAlchemy URL); 1.4 would raise
    # RemovedIn20Warning, and pandas' read_sql needs 2.x.
    "sqlalchemy>=2.0,<2.2",
    "flask>=3.0,<4",
    "marshmallow>=4.0,<5",
    "apispec[marshmallow]>=6.6,<7",
    "gunicorn>=23,<28",
    # The API's gunicorn workers (gunicorn's gevent worker needs >= 24.10.1).
    "gevent>=24.10.1,<27",
    "orjson>=3.9,<4",
    # The run's filters (mapreduce/id_filter.py): a Bloom filter in Rust,
    # its hash fixed and computed in Rust, lists checked in one call (0.5.9:
    # the last with a manylinux2014 x86_64 wheel, for older glibc).
    "fastbloom-rs>=0.5.9,<0.6",
    # One filesystem layer for every root (warehouse/storage.py): local,
    # HDFS over WebHDFS (fsspec's own), S3 (s3fs), GCS (gcsfs).
    "fsspec>=2024.6,<2027",
    "s3fs>=2024.6,<2027",
    "gcsfs>=2024.6,<2027",
    "tqdm>=4.66,<5",
    "click>=8.1,<9",
    # mrjob 0.7.4 imports distutils-era modules that setuptools provides.
    "setuptools>=65",
]

EXTRAS_REQUIRE = {
    "dev": [
        "pytest>=8,<10",
        "pytest-mock>=3.12,<4",
        "pytest-timeout>=2.3,<3",
        "hypothesis>=6.100,<7",
        "requests>=2.31,<3",
        "ruff>=0.5,<1",
        "schemathesis>=3.30,<5",
        # A local S3-compatible endpoint for the s3:// storage tests: moto's
        # server with S3 only (its "server" extra pulls every AWS service's
        # dependencies, about 200 MB).
        "moto[s3]>=5,<6",
        "flask-cors>=4,<7",
        # pandas.read_sql over the Hive SQLAlchemy URL, in the integration tests.
        "pandas>=2.2,<4",
    ],
    # What analysts add for pandas.read_sql over hive:// (docs/hive.md).
    "analysts": [
        "pandas>=2.2,<4",
    ],
    "bench": [
        "matplotlib>=3.8,<4",
        "pyinstrument>=4.6,<6",
    ],
}

setup(
    name="kickback-device-analytics",
    version="0.1.0",
    description="Validate, deduplicate and roll up device logs; serve them from HBase and Hive.",
    python_requires=">=3.10,<3.12",
    packages=find_packages(
        include=["mapreduce", "warehouse", "hbase_schema", "hbase_schema.*", "hive", "hive.*", "api", "api.*",
                 "stack", "stack.*", "generator", "generator.*", "kickback", "kickback.*"]
    ),
    package_data={
        "mapreduce": ["java/com/kickback/mapred/*.java"],
        "hbase_schema": ["java/com/kickback/hbase/*.java"],
        "stack": ["maven/*/pom.xml"],
        "hive": ["ddl/*.sql", "queries/*.sql"],
        "api": ["templates/*.html", "static/*"],
    },
    install_requires=INSTALL_REQUIRES,
    extras_require=EXTRAS_REQUIRE,
    entry_points={
        "console_scripts": ["kickback = kickback.cli:run"],
        # create_engine("kickback+hive://...") finds the dialect by this name.
        "sqlalchemy.dialects": ["kickback.hive = hive.dialect:KickbackHiveDialect"],
    },
)
