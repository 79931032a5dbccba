"""The cluster test runs only under `make cluster-test`, which sets VAORA_CLUSTER=1: it installs
and starts nginx and PgBouncer, so the normal suites (`make test`) never collect test_cluster.py."""
import os

collect_ignore_glob = [] if os.environ.get("VAORA_CLUSTER") == "1" else ["test_cluster.py"]
