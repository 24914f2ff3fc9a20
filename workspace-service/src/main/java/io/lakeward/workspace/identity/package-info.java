/**
 * Tenants as identity directories. A tenant is an identity directory: one Keycloak realm per
 * tenant, named by the tenant id (the stand-in for an Entra ID tenant).
 *
 * <h2>Contract of {@link io.lakeward.workspace.identity.IdentityDirectory}</h2>
 * <ul>
 *   <li>Plain blocking Java: callers run it on a worker pool. Every call to the identity provider
 *       has a timeout.</li>
 *   <li>Every method names its tenant and sees only that tenant's directory. A user id or group the
 *       tenant does not hold is {@code RESOURCE_DOES_NOT_EXIST}, also when another tenant holds it;
 *       answers never carry another tenant's data or ids. The realms {@code master} and
 *       {@code lakeward-platform} are not tenants and are refused ({@code INVALID_PARAMETER_VALUE}).</li>
 *   <li>Roles are the closed set of {@link io.lakeward.workspace.identity.TenantRole}
 *       ({@code tenant-admin}, {@code workspace-user}, {@code auditor}, {@code viewer}); any other
 *       name is {@code INVALID_PARAMETER_VALUE}. Membership writes are idempotent and visible to the
 *       next read.</li>
 *   <li>A failing or silent identity provider is {@code TEMPORARILY_UNAVAILABLE} with a generic
 *       message; the details go to the log, never tokens or passwords.</li>
 * </ul>
 *
 * <h2>Implementations</h2>
 * <ul>
 *   <li>{@link io.lakeward.workspace.identity.KeycloakIdentityDirectory}: managed. Provisions the
 *       tenant's realm from the platform's tenant template (idempotent, no demo users), deletes it
 *       with its stored credentials, reads and changes membership through Keycloak's admin API.</li>
 *   <li>{@link io.lakeward.workspace.identity.ExternalIdentityDirectory}: a tenant registered with
 *       an OIDC issuer of its own. Read-only: writes and provisioning are refused, reads are empty,
 *       and membership comes from the claims of the tenant's tokens.</li>
 * </ul>
 */
package io.lakeward.workspace.identity;
