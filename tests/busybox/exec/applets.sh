#!/bin/busybox sh
# Busybox applets as PID 1, each replacing the previous program through exec: the `env` applet
# changes the environment and executes a new shell, which executes `env` again by its applet
# name alone. Debian's busybox prefers its own applets to PATH and executes them through
# /proc/self/exe. The last shell prints the end marker and hands the chain to /init.
echo "step 1: busybox sh"
exec /bin/busybox env LOAM_STEP=2 /bin/busybox sh -c '
    echo "step $LOAM_STEP: env set LOAM_STEP and ran sh"
    exec env -u LOAM_STEP LOAM_LAST_STEP=3 sh -c "
        echo \"step \$LOAM_LAST_STEP: env by applet name, LOAM_STEP \${LOAM_STEP:-removed}\"
        echo \"@@loam-test-end busybox/exec/applets status=0\"
        exec /init \"\$@\"
    " sh "$@"
' sh "$@"
