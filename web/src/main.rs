//! The browser entry point: `cargo xtask dist` builds this binary for wasm32 and wasm-bindgen
//! turns it into `web.js` + `web_bg.wasm`, which `index.html` loads.

fn main() {
    web::start();
}
