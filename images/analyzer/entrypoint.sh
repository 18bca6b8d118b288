#!/usr/bin/env bash
# Entry point of the analyzer image. Spark on Kubernetes starts executor pods from this image
# with the single argument `executor` and describes the executor in SPARK_* variables; the
# driver is started by the operator's Job with a full spark-submit command line, and any other
# command runs as given.
set -euo pipefail

run_executor() {
    # The executor's classpath: Spark's jars plus any the driver asks for.
    local classpath="${SPARK_HOME}/jars/*"
    if [ -n "${SPARK_CLASSPATH:-}" ]; then
        classpath="${classpath}:${SPARK_CLASSPATH}"
    fi

    # Spark passes the executor's JVM options as SPARK_JAVA_OPT_0, SPARK_JAVA_OPT_1, ...
    local java_options=()
    while IFS='=' read -r name _; do
        java_options+=("${!name}")
    done < <(env | grep -E '^SPARK_JAVA_OPT_[0-9]+=' | sort -t_ -k4 -n)

    exec java "${java_options[@]}" \
        -Xms"${SPARK_EXECUTOR_MEMORY}" -Xmx"${SPARK_EXECUTOR_MEMORY}" \
        -cp "$classpath" \
        org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
        --driver-url "$SPARK_DRIVER_URL" \
        --executor-id "$SPARK_EXECUTOR_ID" \
        --cores "$SPARK_EXECUTOR_CORES" \
        --app-id "$SPARK_APPLICATION_ID" \
        --hostname "$SPARK_EXECUTOR_POD_IP" \
        --resourceProfileId "$SPARK_RESOURCE_PROFILE_ID" \
        --podName "$SPARK_EXECUTOR_POD_NAME"
}

case "${1:-}" in
    executor)
        run_executor
        ;;
    driver)
        # A driver pod created by spark-submit in cluster mode.
        shift
        exec spark-submit --deploy-mode client \
            --conf "spark.driver.bindAddress=${SPARK_DRIVER_BIND_ADDRESS}" "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
