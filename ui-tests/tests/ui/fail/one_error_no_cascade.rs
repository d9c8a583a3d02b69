use ctypes_core::c_struct;

// One mistake in the declaration gives one error: the struct is still declared, so the uses
// below compile.
#[c_struct]
struct Config {
    level: i32,
    name: String,
}

fn level(config: &Config) -> i32 {
    config.level
}

fn main() {
    let config = Config { level: 3, name: String::new() };
    let _ = (level(&config), config.name.len());
}
