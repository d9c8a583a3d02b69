//! Memory objects: typed views of C memory.
