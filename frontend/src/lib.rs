//! The wasm entry point: hydrates the page the server rendered, loading each route's
//! own piece of the wasm as it is needed.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
