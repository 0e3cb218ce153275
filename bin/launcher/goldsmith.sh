#!/bin/sh
# The goldsmith command that `npx goldsmith` runs. It is the bin of a local package (bin/launcher, a `file:`
# dependency), so `npm ci` links it into node_modules/.bin without running any script, and npm exec runs it
# directly. A command in the project's own package.json `bin` would instead make npm exec install the project into
# its cache (~/.npm/_npx) on every call: 2–3 s of CPU before Goldsmith runs. The checkout is found from the working
# directory (the nearest package.json named goldsmith above it), so a checkout whose node_modules is shared with
# another still runs its own code.
dir=$PWD
while [ "$dir" != / ] && ! grep -qs '"name": "goldsmith"' "$dir/package.json"; do dir=$(dirname "$dir"); done
if [ ! -f "$dir/bin/goldsmith.mjs" ]; then
  echo "goldsmith: run it inside the goldsmith repository (no package.json named goldsmith in $PWD or above)" >&2
  exit 1
fi
# The Node flags are bin/goldsmith.mjs's first line's, which says why.
exec node --experimental-async-context-frame --max-semi-space-size=64 "$dir/bin/goldsmith.mjs" "$@"
