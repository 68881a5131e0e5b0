"""The public functions of marginlab, generated from marginlab._core's signatures (marginlab._codegen)."""
