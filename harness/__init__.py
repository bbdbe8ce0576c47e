"""What runs things for the suite and the scripts: the programs (with their
prints recorded), the wire capture, the strict build, the static server and
the browser visits. Imports core; never imports a test."""
