//! The app's entry point. Invariant: the web engine's environment is set
//! here, before any thread exists, because WebKit's web process inherits
//! the environment the app has when the page is first loaded.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // The page runs without JavaScriptCore's JIT compilers (WebKitGTK reads
    // this in its web process). The page is a few forms and CareKey's own
    // code under a strict CSP: interpreting it is as fast here (start-up
    // 470 against 475 ms, tests/bench/startup.py), it takes about 8 MiB
    // less memory, and the JIT is the part of a web engine most of its
    // exploits go through (what Apple's Lockdown Mode and Edge's enhanced
    // security mode turn off too). WebView2 and WKWebView do not read it.
    #[cfg(target_os = "linux")]
    // SAFETY: the first statement of `main`: no other thread exists yet
    // that could read the environment while it changes.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var("JSC_useJIT", "false");
    }
    carekey_app::run();
}
