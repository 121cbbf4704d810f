/**
 * Authentication state shared by every worker process through the metadata database: login tokens
 * ({@link netdisk.server.auth.SessionTokens}) and the failed-login throttle
 * ({@link netdisk.server.auth.LoginThrottle}). Passwords are not handled here.
 */
package netdisk.server.auth;
