// A real OpenID Connect provider for Roster's SSO tests, on loopback only.
//
// Built on npm's `oidc-provider` (pinned in package.json). Configuration comes
// from the environment:
//
//   OIDC_PORT            listen port; the issuer is http://127.0.0.1:$OIDC_PORT
//   OIDC_CLIENT_ID       the one confidential client's id
//   OIDC_CLIENT_SECRET   its secret
//   OIDC_REDIRECT_URIS   comma-separated redirect URIs (http on loopback is fine)
//   OIDC_CLIENT_AUTH_METHOD  optional: client_secret_basic (default) or
//                        client_secret_post
//
// Accounts: whatever is typed as "E-mail" on the login page is the account.
// Any password is accepted. sub is the e-mail lowercased; the ID token
// carries email, email_verified and name (the part before '@').
//
// Interactions are custom and minimal: one login page
//   <input name="login"> (label "E-mail"), <input name="password" type="password">,
//   <button type="submit">Sign-in</button>
// and consent is granted automatically (no consent page), so a browser goes
// from the login form straight back to the redirect_uri with code and state.

import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

function required(name) {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    console.error(`oidc-provider: ${name} must be set`);
    process.exit(2);
  }
  return value.trim();
}

const port = Number.parseInt(required('OIDC_PORT'), 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`oidc-provider: OIDC_PORT is not a port: ${process.env.OIDC_PORT}`);
  process.exit(2);
}
const clientId = required('OIDC_CLIENT_ID');
const clientSecret = required('OIDC_CLIENT_SECRET');
const redirectUris = required('OIDC_REDIRECT_URIS')
  .split(',')
  .map((uri) => uri.trim())
  .filter(Boolean);
const authMethod = (process.env.OIDC_CLIENT_AUTH_METHOD || 'client_secret_basic').trim();
if (!['client_secret_basic', 'client_secret_post'].includes(authMethod)) {
  console.error(`oidc-provider: OIDC_CLIENT_AUTH_METHOD must be client_secret_basic or client_secret_post, not ${authMethod}`);
  process.exit(2);
}

const host = '127.0.0.1';
const issuer = `http://${host}:${port}`;

// A fresh RS256 signing key each start; the JWKS endpoint publishes it.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: randomBytes(8).toString('hex'),
  alg: 'RS256',
  use: 'sig',
};

// accountId (lowercased e-mail) -> e-mail as typed at the login form.
const typedEmails = new Map();

function accountClaims(accountId) {
  const email = typedEmails.get(accountId) ?? accountId;
  const at = email.indexOf('@');
  return {
    sub: accountId,
    email,
    email_verified: true,
    name: at > 0 ? email.slice(0, at) : email,
  };
}

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: authMethod,
      // 'web' is the default: http redirect URIs are allowed for web clients
      // using the code flow (only the implicit flow is forced onto https).
      application_type: 'web',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  responseTypes: ['code'],
  pkce: { methods: ['S256'], required: () => true },
  scopes: ['openid', 'email', 'profile'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // Put the scope-granted claims (email, name) in the ID token itself, not
  // only in the userinfo response.
  conformIdTokenClaims: false,
  // The library's defaults, spelled out (which also keeps its "you SHOULD
  // change ttl.X" notices out of the log).
  ttl: {
    AccessToken: 60 * 60,
    AuthorizationCode: 60,
    IdToken: 60 * 60,
    Interaction: 60 * 60,
    Session: 14 * 24 * 60 * 60,
    Grant: 14 * 24 * 60 * 60,
  },
  jwks: { keys: [signingKey] },
  enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
  features: {
    devInteractions: { enabled: false },
  },
  interactions: {
    url: (ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  cookies: {
    keys: [randomBytes(32).toString('hex')],
    // Plain http on 127.0.0.1: never Secure, and SameSite=Lax rather than the
    // default None for the session cookie (Chromium drops SameSite=None
    // cookies that are not Secure). Names are prefixed so they cannot be
    // confused with the relying party's cookies on the same host (cookies
    // are not port-scoped).
    names: {
      session: 'oidc_session',
      interaction: 'oidc_interaction',
      resume: 'oidc_interaction_resume',
    },
    long: { signed: true, secure: false, httpOnly: true, sameSite: 'lax' },
    short: { signed: true, secure: false, httpOnly: true, sameSite: 'lax' },
  },
  // A plain error page: the OAuth error code and description, as text a test
  // can read.
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider: error</title></head>
<body><h1>Test identity provider: error</h1>
${Object.entries(out).map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`).join('\n')}
</body></html>
`;
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return accountClaims(id);
      },
    };
  },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (ctx, err) => {
  console.error('oidc-provider server_error:', err);
});

function escapeHtml(value) {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function loginPage(uid, { login = '', error = '' } = {}) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Test identity provider: sign in</title>
</head>
<body>
<main>
<h1>Test identity provider</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="login">E-mail</label>
<input id="login" name="login" type="text" value="${escapeHtml(login)}" autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password">
<button type="submit">Sign-in</button>
</form>
</main>
</body>
</html>
`;
}

function sendHtml(res, status, html) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(html);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('form body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Grants whatever the consent prompt found missing and resumes the
// authorization, so no consent page is ever shown.
async function autoConsent(req, res, interaction) {
  const { prompt: { details }, params, session } = interaction;
  const grant = interaction.grantId
    ? await provider.Grant.find(interaction.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  if (details.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(details.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  const grantId = await grant.save();
  const consent = interaction.grantId ? {} : { grantId };
  await provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
}

async function handleInteraction(req, res, url) {
  const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
  if (!match) return false;
  const [, uid, loginAction] = match;

  const interaction = await provider.interactionDetails(req, res);
  if (interaction.uid !== uid) {
    sendHtml(res, 400, '<!DOCTYPE html><p>Interaction mismatch.</p>');
    return true;
  }
  const prompt = interaction.prompt.name;

  if (!loginAction && req.method === 'GET') {
    if (prompt === 'login') {
      sendHtml(res, 200, loginPage(uid, { login: interaction.params.login_hint ?? '' }));
    } else if (prompt === 'consent') {
      await autoConsent(req, res, interaction);
    } else {
      sendHtml(res, 400, `<!DOCTYPE html><p>Unsupported prompt ${escapeHtml(prompt)}.</p>`);
    }
    return true;
  }

  if (loginAction && req.method === 'POST') {
    const form = await readForm(req);
    const typed = (form.get('login') ?? '').trim();
    if (prompt !== 'login') {
      sendHtml(res, 400, '<!DOCTYPE html><p>This interaction is not asking for a login.</p>');
      return true;
    }
    if (typed === '') {
      sendHtml(res, 200, loginPage(uid, { error: 'Enter an e-mail address.' }));
      return true;
    }
    const accountId = typed.toLowerCase();
    typedEmails.set(accountId, typed);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId } },
      { mergeWithLastSubmission: false },
    );
    return true;
  }

  res.statusCode = 405;
  res.end();
  return true;
}

const providerCallback = provider.callback();

const server = createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname.startsWith('/interaction/') && (await handleInteraction(req, res, url))) {
      return;
    }
  } catch (err) {
    console.error('oidc-provider interaction error:', err);
    if (!res.headersSent) {
      sendHtml(res, 400, `<!DOCTYPE html><p>Interaction failed: ${escapeHtml(err.message)}</p>`);
    } else {
      res.end();
    }
    return;
  }
  providerCallback(req, res);
});

server.on('error', (err) => {
  console.error(`oidc-provider: cannot listen on ${issuer}: ${err.message}`);
  process.exit(1);
});
server.listen(port, host, () => {
  console.log(`oidc-provider listening on ${issuer}`);
});

// All state is in memory and disposable: exit at once on a signal.
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
