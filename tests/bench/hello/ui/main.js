// The first screen is interactive once the page can call the app.
window.__TAURI__.core.invoke("ready");
