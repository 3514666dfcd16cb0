#!/bin/sh
# The probe of a stand-in driver package (make -C driver standin-package), run in the VM lab's stand-in guest after
# a load: exit 0 when the installed build still sees a callback for every operation of a short load without memory
# pressure, i.e. it still filters. A stand-in for the user's own test of their filter; it tests the model's build,
# not a Windows driver. XIDLAB_MODEL_OPTION names the installed build (the lab sets it).
set -eu
operations=300
agent=${XIDLAB_AGENT:-/opt/xidlab/xidlab-agent.jar}
state=$(mktemp -u /tmp/xidlab-probe-XXXXXX)
# shellcheck disable=SC2086 # the option is one word, or none when xidfilter is the driver
out=$(XIDLAB_SIM_STATE=$state java ${XIDLAB_MODEL_OPTION:-} -jar "$agent" stress --lab sim --pressure none \
    --operations "$operations" --json)
rm -f "$state"
callbacks=$(printf '%s\n' "$out" | sed -n 's/^ *"callbacks" : \([0-9]*\).*/\1/p')
if [ "${callbacks:-0}" -lt "$operations" ]; then
    echo "the driver saw ${callbacks:-no} callbacks in $operations operations: it stopped filtering" >&2
    exit 1
fi
echo "the driver saw $callbacks callbacks in $operations operations"
