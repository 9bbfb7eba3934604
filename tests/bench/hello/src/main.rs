//! The smallest Tauri app with a page that calls its backend once: the
//! baseline of the start-up benchmark.

/// Called by the page once it runs: the first screen is interactive.
#[tauri::command]
fn ready() {
    eprintln!("hello: first screen ready");
}

fn main() {
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("hello cannot start: {error}");
        std::process::exit(1);
    }
}
