//! The page an invitation's link opens: the person's name and password (twice), or why
//! the link cannot be used. The form works before the page is hydrated.

use crate::auth::ui::{NewPersonFields, SignedOutCard};
use crate::enrollment::{AcceptInvitation, InvitationFor, invitation_link};
use crate::i18n::{t_string, use_i18n};
use crate::lang::errors::error_text;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/accept-invitation?token=…`, split from the rest of the console's code.
pub struct AcceptInvitationRoute;

#[lazy_route]
impl LazyRoute for AcceptInvitationRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <AcceptInvitationPage /> }.into_any()
    }
}

#[component]
fn AcceptInvitationPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let invited = Resource::new(token, invitation_link);
    let accept = ServerAction::<AcceptInvitation>::new();
    let error = move || {
        accept
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error_text(i18n.get_locale(), &error))
    };
    let title = Signal::derive(move || t_string!(i18n, invite.accept_title).to_owned());
    view! {
        <SignedOutCard title>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match invited.await {
                        Ok(InvitationFor { email, account, min_chars }) => view! {
                            <p data-testid="invitation-for">
                                {move || t_string!(i18n, invite.accept_for, email = email.clone(), account = account.clone())}
                            </p>
                            <ActionForm action=accept attr:class="stack">
                                <input type="hidden" name="token" value=token />
                                <NewPersonFields min_chars />
                                {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                                <button class="button primary" type="submit" disabled=move || accept.pending().get()>
                                    {move || t_string!(i18n, invite.accept_submit)}
                                </button>
                            </ActionForm>
                        }.into_any(),
                        Err(error) => view! {
                            <p class="form-error" role="alert" data-testid="invitation-gone">{move || error_text(i18n.get_locale(), &error)}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </SignedOutCard>
    }
}
