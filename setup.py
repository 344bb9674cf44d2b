"""Packaging for KickBack device analytics: the domain packages and the
``kickback`` console script. Dependency ranges are pinned here and nowhere
else."""

from setuptools import find_packages, setup

INSTALL_REQUIRES = [
    "mrjob>=0.7.4,<0.8",
    "happybase>=1.3,<2",
    "thriftpy2>=0.4,<1",
    "pyhive[hive-pure-sasl]>=0.7,<0.8",
    "pyspark>=3.5.3,<3.6",
    "flask>=3.0,<4",
    "marshmallow>=4.0,<5",
    "apispec[marshmallow]>=6.6,<7",
    "gunicorn>=23,<28",
    # The API's gunicorn workers (gunicorn's gevent worker needs >= 24.10.1).
    "gevent>=24.10.1,<27",
    "orjson>=3.9,<4",
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
        include=["mapreduce", "hbase_schema", "hbase_schema.*", "hive", "hive.*", "api", "api.*",
                 "stack", "generator", "generator.*", "kickback", "kickback.*"]
    ),
    package_data={
        "stack": ["maven/*/pom.xml"],
        "hive": ["ddl/*.sql", "queries/*.sql"],
        "api": ["templates/*.html", "static/*"],
    },
    install_requires=INSTALL_REQUIRES,
    extras_require=EXTRAS_REQUIRE,
    entry_points={"console_scripts": ["kickback = kickback.cli:run"]},
)
