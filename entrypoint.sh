#!/bin/sh
# The image's ENTRYPOINT: runs the bundle (the package bin) with node, with the V8 heap setting of its command.
# read gets a small young generation, which keeps its peak RSS down (pages are short-lived garbage either way):
# measured on the cpu scenario's tenant, 50,000 users peak at 90 instead of 116 MB, 100,000 sign-ins at 110 instead of
# 137 MB, at the same CPU time. spec, check and discover run without it: any V8 flag also makes Node compile its own
# modules without their built-in code cache (V8 accepts a cache only under the flags it was made with), which cost
# discover about a fifth of a bare node's start-up (scripts/bench-cold-start.ts). V8 reads the setting only when it
# sets the heap up, so it cannot wait until the command is known inside node.
# read also starts with an old generation of 24 MB: loading the network stack leaves about 11 MB there, against V8's
# first limit of about 15 MB, so every read began with a full collection of start-up garbage (10-25 ms of marking in the
# stream's first second); later limits follow the live heap as before (peak RSS of small streams +1 to 3 MB).
# Airbyte passes the command first (spec, check, discover, read); exec leaves no shell process behind.
bundle="${0%/*}/dist/bundle/main.mjs"
if [ "$1" = read ]; then exec node --max-semi-space-size=4 --initial-old-space-size=24 "$bundle" "$@"; fi
exec node "$bundle" "$@"
