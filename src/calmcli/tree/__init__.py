"""Interview trees. The format is defined once, as msgspec types (`parts`, `rules`, `kinds`,
`spec`); `loader` reads a file into them (`reader` explains a broken one) and `check` checks the
tree as a whole; `schema` generates `schema.json` from them; `registry` finds trees by name."""
