"""One module per command, each with its parser (`add_parser`) and what it runs (`run`); `ocrforge.cli`
wires them. A module imports the machinery it runs inside `run`, so that building the parser of every
command, as each invocation does, stays quick."""
