//! Handing the planner a file: the browser's download of text made in the page, or of a `data:` URL.

use wasm_bindgen::JsCast;

/// Offers the resource at `url` as a download named `file`.
pub fn download_url(file: &str, url: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|_| "no link")?.dyn_into().map_err(|_| "no link")?;
    a.set_href(url);
    a.set_download(file);
    a.click();
    Ok(())
}

/// Offers `text` as a download named `file` of type `mime`.
pub fn download(file: &str, text: &str, mime: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&text.into());
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(|_| "the file could not be made")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "the file could not be made")?;
    let result = download_url(file, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
    result
}
