// English strings, shown second after the Chinese.
export const messages = Object.freeze({
  "login.missing": "Enter your username and password",
  "login.bad_credentials": "Wrong username or password",
  "login.locked": "This account is locked; try again later",
  "login.network": "Network error; check the connection and try again",
  "login.failed": "Sign-in failed",
  "login.busy": "Signing in…",
});
