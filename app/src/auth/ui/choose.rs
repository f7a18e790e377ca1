//! `/login/account`: the choice of account when a sign-in's password opened several or
//! the person switches account, with "sign in here from now on without asking".
//! "Another account" asks that account's password, in a field beside the choice; a
//! switch asks only that. A plain form, like the other sign-in pages; the
//! choice it answers is in a cookie, never in the address.

use super::SignedOutCard;
use crate::auth::{ANOTHER_ACCOUNT, AccountOffer, ChooseAccount, account_choices};
use crate::i18n::{t_string, use_i18n};
use crate::lang::errors::error_text;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// Where the choice is asked.
pub const CHOOSE_ACCOUNT_PATH: &str = "/login/account";

/// `/login/account`, split from the rest of the console's code.
pub struct ChooseAccountRoute;

#[lazy_route]
impl LazyRoute for ChooseAccountRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <ChooseAccountPage /> }.into_any()
    }
}

#[component]
fn ChooseAccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let choose = ServerAction::<ChooseAccount>::new();
    // Read again after a choice that went on: a password that opens several other
    // accounts comes back here with a choice that names them. A refused one keeps the
    // form as it is.
    let went_on = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if let Some(Ok(())) = choose.value().get() {
            went_on.update(|count| *count += 1);
        }
    });
    let offered = Resource::new(move || went_on.get(), |_| account_choices());
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || {
        choose
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error_text(i18n.get_locale(), &error))
    };
    let title = Signal::derive(move || t_string!(i18n, choose.title).to_owned());
    view! {
        <SignedOutCard title>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let Ok(offered) = offered.await else {
                        return view! {
                            <p class="notice error" role="alert" data-testid="choice-expired">
                                {move || t_string!(i18n, choose.expired)}
                            </p>
                        }
                        .into_any();
                    };
                    let AccountOffer { accounts, others } = offered;
                    let switching = accounts.is_empty();
                    let first = accounts.iter().position(|account| account.is_default).unwrap_or(0);
                    // The page ships no code: the password field is there whenever another
                    // account may be chosen, and required when that is the only way on (a
                    // switch names no account).
                    let asks_password = switching || others;
                    let intro = move || if switching {
                        t_string!(i18n, choose.switch_text)
                    } else {
                        t_string!(i18n, choose.text)
                    };
                    view! {
                        <p id="choose-text">{intro}</p>
                        <ActionForm action=choose attr:class="stack">
                            {if switching {
                                view! { <input type="hidden" name="account" value=ANOTHER_ACCOUNT /> }.into_any()
                            } else {
                                view! {
                                    <fieldset class="choices" aria-describedby="choose-text">
                                        <legend>{move || t_string!(i18n, choose.accounts)}</legend>
                                        {accounts
                                            .into_iter()
                                            .enumerate()
                                            .map(|(index, account)| {
                                                let id = format!("account-{}", account.user.get());
                                                let label_for = id.clone();
                                                view! {
                                                    <label class="choice" for=label_for>
                                                        <input
                                                            type="radio"
                                                            id=id
                                                            name="account"
                                                            value=account.user.get()
                                                            checked=index == first
                                                            required
                                                        />
                                                        <span>{account.account}</span>
                                                        {account.is_default.then(|| view! {
                                                            <span class="badge">{move || t_string!(i18n, choose.default_badge)}</span>
                                                        })}
                                                    </label>
                                                }
                                            })
                                            .collect_view()}
                                        {others.then(|| view! {
                                            <label class="choice" for="account-another">
                                                <input
                                                    type="radio"
                                                    id="account-another"
                                                    name="account"
                                                    value=ANOTHER_ACCOUNT
                                                />
                                                <span>{move || t_string!(i18n, choose.another)}</span>
                                            </label>
                                        })}
                                    </fieldset>
                                }.into_any()
                            }}
                            {asks_password.then(|| view! {
                                <label for="account-password">{move || t_string!(i18n, choose.password)}</label>
                                <input
                                    id="account-password"
                                    type="password"
                                    name="password"
                                    autocomplete="current-password"
                                    required=switching
                                    maxlength="1024"
                                    aria-describedby=(!switching).then_some("account-password-hint")
                                />
                                {(!switching).then(|| view! {
                                    <p class="hint" id="account-password-hint">{move || t_string!(i18n, choose.password_hint)}</p>
                                })}
                            })}
                            <label class="choice" for="make-default">
                                <input type="checkbox" id="make-default" name="make_default" value="on" />
                                <span>{move || t_string!(i18n, choose.make_default)}</span>
                            </label>
                            <input type="hidden" name="next" value=next />
                            {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                            <button class="button primary" type="submit" disabled=move || choose.pending().get()>
                                {move || t_string!(i18n, choose.submit)}
                            </button>
                        </ActionForm>
                    }
                    .into_any()
                })}
            </Suspense>
        </SignedOutCard>
    }
}
