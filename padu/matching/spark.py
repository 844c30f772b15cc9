"""Splink on Spark: the same linkage model as on DuckDB, for a province or the nation.

Install with ``pip install "padu[spark]"`` (PySpark 4 needs Java 17). ``padu match --engine
spark`` runs locally (``--spark-master local[2]``) or on a cluster (``spark://host:7077``,
``yarn``); see docs/spark.md. The model is the same on both: Splink writes its levels in
each engine's SQL.
"""

from pathlib import Path

from django.conf import settings


def spark_session(master: str = "local[2]", *, driver_memory: str = "4g"):
    """A Spark session with Splink's string-similarity functions (a jar shipped inside
    Splink) and a checkpoint folder in Padu's data folder."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    local = master.startswith("local")
    session = (
        SparkSession.builder.master(master)
        .appName("padu-padan")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", driver_memory)
        # Splink runs many small steps; a local machine wants few partitions per shuffle.
        .config("spark.sql.shuffle.partitions", "4" if local else "400")
        .config("spark.default.parallelism", "4" if local else "400")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    checkpoints = Path(settings.DATA_DIR) / "tmp" / "spark-checkpoints"
    checkpoints.mkdir(parents=True, exist_ok=True)
    session.sparkContext.setCheckpointDir(str(checkpoints))
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_api(master: str = "local[2]"):
    """Splink's Spark backend on a session for ``master``."""
    from splink.backends.spark import SparkAPI

    return SparkAPI(spark_session=spark_session(master))
