//! A user's picture where pages name them (their initials when they have none), and the
//! control that uploads or removes one. The upload sends the file's bytes as they are;
//! the server decides what they are.

use super::{MAX_UPLOAD_BYTES, picture_href};
use crate::domain::UserId;
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};
use crate::lang::errors::error_text;
use leptos::prelude::*;

/// The initials of a name: "Ann Lee" → "AL".
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .collect()
}

/// User `user`'s picture, or their initials; beside their name, so it says nothing more
/// to a screen reader.
#[component]
pub fn Avatar(
    user: UserId,
    #[prop(into)] picture_at: Signal<Option<i64>>,
    name: String,
    #[prop(optional)] large: bool,
) -> impl IntoView {
    let class = if large {
        "avatar avatar-large"
    } else {
        "avatar"
    };
    let letters = initials(&name);
    move || match picture_at.get() {
        Some(at) => {
            view! { <img class=class src=picture_href(user, at) alt="" aria-hidden="true" /> }
                .into_any()
        }
        None => view! { <span class=class aria-hidden="true">{letters.clone()}</span> }.into_any(),
    }
}

/// Sends `body` to `api` with `method`; the picture's new state, or why not.
#[cfg(feature = "hydrate")]
async fn send(
    method: &'static str,
    api: String,
    body: Option<web_sys::File>,
) -> Result<super::PictureSaved, AppError> {
    use gloo_net::http::RequestBuilder;
    let transport = |error: gloo_net::Error| AppError::Transport {
        detail: error.to_string(),
    };
    let request = RequestBuilder::new(&api)
        .method(method.parse().map_err(|_| AppError::Internal)?)
        .header("accept", "application/json");
    let request = match body {
        Some(file) => request.body(file),
        None => request.build(),
    }
    .map_err(transport)?;
    let response = request.send().await.map_err(transport)?;
    if response.ok() {
        response.json().await.map_err(transport)
    } else {
        Err(response.json::<AppError>().await.map_err(transport)?)
    }
}

/// Upload and Remove for the picture at `api`; `picture_at` follows what the server
/// answers.
#[component]
pub fn PictureControl(
    api: String,
    picture_at: RwSignal<Option<i64>>,
    allowed: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let file_box = NodeRef::<leptos::html::Input>::new();
    // Only the browser sends: the server renders the control and never runs its events.
    let run = move |method: &'static str, file: Option<web_sys::File>| {
        #[cfg(feature = "hydrate")]
        {
            let api = api.clone();
            pending.set(true);
            leptos::task::spawn_local(async move {
                match send(method, api, file).await {
                    Ok(saved) => {
                        picture_at.set(saved.picture_at);
                        error.set(None);
                    }
                    Err(refused) => error.set(Some(refused)),
                }
                pending.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (method, file, &api);
    };
    let upload = run.clone();
    let on_file = move |_| {
        let file = file_box
            .get()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            if file.size() > MAX_UPLOAD_BYTES as f64 {
                error.set(Some(AppError::invalid(
                    "picture",
                    crate::error::Problem::FileTooLarge {
                        max_mb: (MAX_UPLOAD_BYTES / (1024 * 1024)) as u32,
                    },
                )));
                return;
            }
            upload("PUT", Some(file));
        }
    };
    view! {
        <div class="picture-control">
            <label class="button" class:disabled=!allowed for="picture-file">
                {move || t_string!(i18n, pictures.upload)}
            </label>
            <input id="picture-file" class="sr-only" type="file" accept="image/png,image/jpeg,image/webp"
                node_ref=file_box disabled=move || !allowed || pending.get() on:change=on_file />
            <button type="button" class="button subtle"
                disabled=move || !allowed || pending.get() || picture_at.get().is_none()
                on:click=move |_| run("DELETE", None)>
                {move || t_string!(i18n, pictures.remove)}
            </button>
            <p class="hint">{move || t_string!(i18n, pictures.rules)}</p>
            {move || error.get().map(|refused| view! {
                <p class="form-error" role="alert" data-testid="picture-error">{error_text(i18n.get_locale(), &refused)}</p>
            })}
        </div>
    }
}
