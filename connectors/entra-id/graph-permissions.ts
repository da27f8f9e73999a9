import type { KnownPermission } from '../../src/resolve/permission-action.ts';

// Microsoft Graph permissions → NormalizedAction (seed 003 "Permission Normalization Guide",
// issue 12). One row per permission value; the same value names an application permission (app
// role) and a delegated one (scope), and means the same action: a delegated grant is further
// bounded by the signed-in user's own rights. Only Microsoft Graph's permissions are read from this
// table (a custom API may expose a scope called "User.Read" that means anything); every other
// value goes through the seed's rules and is marked `mapped: false`.
//
// Rules of thumb, from the permissions reference: *.Read* → read; *.ReadWrite* on data → update;
// creating new objects only → create; sending as the app → execute; anything that changes tenant
// configuration, policy, credentials or other apps → admin; anything that hands out access
// (role, app role, permission grant, group membership) → delegate.

const r = (scope: string): KnownPermission => ({ action: 'read', scope });
const u = (scope: string): KnownPermission => ({ action: 'update', scope });
const c = (scope: string): KnownPermission => ({ action: 'create', scope });
const x = (scope: string): KnownPermission => ({ action: 'execute', scope });
const a = (scope: string): KnownPermission => ({ action: 'admin', scope });
const d = (scope: string): KnownPermission => ({ action: 'delegate', scope });

/** OpenID Connect scopes: they let an app sign a user in and nothing more. */
const signIn = (): KnownPermission => ({ action: 'read', scope: 'sign_in', signInOnly: true });

export const GRAPH_PERMISSIONS: Readonly<Record<string, KnownPermission>> = {
  // Sign-in only (OpenID Connect).
  openid: signIn(),
  profile: signIn(),
  email: signIn(),
  offline_access: signIn(),

  // Users.
  'User.Read': r('users'),
  'User.ReadBasic.All': r('users'),
  'User.Read.All': r('users'),
  'User.Export.All': r('users'),
  'User.ReadWrite': u('users'),
  'User.ReadWrite.All': u('users'),
  'User.Invite.All': c('users'),
  'User.EnableDisableAccount.All': a('users'),
  'User.ManageIdentities.All': a('users'),
  'User.RevokeSessions.All': a('users'),
  'User-PasswordProfile.ReadWrite.All': a('users'),
  'UserAuthenticationMethod.Read.All': r('authentication_methods'),
  'UserAuthenticationMethod.ReadWrite.All': a('authentication_methods'),

  // Directory, groups, roles.
  'Directory.Read.All': r('directory'),
  'Directory.ReadWrite.All': a('directory'),
  'Directory.AccessAsUser.All': a('directory'),
  'Group.Read.All': r('groups'),
  'Group.ReadWrite.All': u('groups'),
  'Group.Create': c('groups'),
  'GroupMember.Read.All': r('groups'),
  'GroupMember.ReadWrite.All': d('group_membership'),
  'AdministrativeUnit.Read.All': r('administrative_units'),
  'AdministrativeUnit.ReadWrite.All': a('administrative_units'),
  'RoleManagement.Read.Directory': r('directory_roles'),
  'RoleManagement.Read.All': r('directory_roles'),
  'RoleManagement.ReadWrite.Directory': d('directory_roles'),
  'RoleAssignmentSchedule.ReadWrite.Directory': d('directory_roles'),
  'RoleEligibilitySchedule.ReadWrite.Directory': d('directory_roles'),
  'PrivilegedAccess.ReadWrite.AzureAD': d('directory_roles'),
  'EntitlementManagement.ReadWrite.All': d('access_packages'),
  'AccessReview.ReadWrite.All': u('access_reviews'),

  // Applications, consent and grants.
  'Application.Read.All': r('applications'),
  'Application.ReadWrite.All': a('applications'),
  'Application.ReadWrite.OwnedBy': u('applications'),
  'AppRoleAssignment.ReadWrite.All': d('app_role_assignments'),
  'DelegatedPermissionGrant.Read.All': r('oauth2_permission_grants'),
  'DelegatedPermissionGrant.ReadWrite.All': d('oauth2_permission_grants'),
  'ServicePrincipalEndpoint.ReadWrite.All': u('service_principals'),
  'Synchronization.ReadWrite.All': a('synchronization'),

  // Tenant configuration and policy.
  'Organization.Read.All': r('organization'),
  'Organization.ReadWrite.All': a('organization'),
  'Domain.Read.All': r('domains'),
  'Domain.ReadWrite.All': a('domains'),
  'Policy.Read.All': r('policies'),
  'Policy.ReadWrite.ConditionalAccess': a('policies'),
  'Policy.ReadWrite.AuthenticationMethod': a('policies'),
  'Policy.ReadWrite.ApplicationConfiguration': a('policies'),
  'Policy.ReadWrite.PermissionGrant': d('policies'),
  'IdentityProvider.ReadWrite.All': a('identity_providers'),

  // Audit, reports, security.
  'AuditLog.Read.All': r('audit_logs'),
  'Reports.Read.All': r('reports'),
  'SecurityEvents.Read.All': r('security'),
  'SecurityEvents.ReadWrite.All': u('security'),
  'SecurityAlert.Read.All': r('security'),
  'SecurityIncident.Read.All': r('security'),
  'SecurityIncident.ReadWrite.All': u('security'),
  'IdentityRiskEvent.Read.All': r('identity_protection'),
  'IdentityRiskyUser.ReadWrite.All': u('identity_protection'),
  'BitlockerKey.Read.All': r('bitlocker_keys'),

  // Mail, calendars, contacts.
  'Mail.ReadBasic': r('mail'),
  'Mail.ReadBasic.All': r('mail'),
  'Mail.Read': r('mail'),
  'Mail.ReadWrite': u('mail'),
  'Mail.Send': x('mail'),
  'MailboxSettings.Read': r('mailbox_settings'),
  'MailboxSettings.ReadWrite': u('mailbox_settings'),
  'Calendars.Read': r('calendars'),
  'Calendars.ReadWrite': u('calendars'),
  'Contacts.Read': r('contacts'),
  'Contacts.ReadWrite': u('contacts'),
  'People.Read': r('people'),

  // Files and sites.
  'Files.Read': r('files'),
  'Files.Read.All': r('files'),
  'Files.ReadWrite': u('files'),
  'Files.ReadWrite.All': u('files'),
  'Sites.Read.All': r('sites'),
  'Sites.ReadWrite.All': u('sites'),
  'Sites.Manage.All': a('sites'),
  'Sites.FullControl.All': a('sites'),
  // Nothing until a site owner grants the app a site; then up to full control of that site.
  'Sites.Selected': u('sites'),
  'Notes.Read.All': r('notes'),
  'Notes.ReadWrite.All': u('notes'),
  'Tasks.Read': r('tasks'),
  'Tasks.ReadWrite': u('tasks'),

  // Teams and chat.
  'Team.ReadBasic.All': r('teams'),
  'TeamSettings.ReadWrite.All': u('teams'),
  'TeamMember.ReadWrite.All': d('team_membership'),
  'Channel.ReadBasic.All': r('channels'),
  'ChannelMessage.Read.All': r('channel_messages'),
  'ChannelMessage.Send': c('channel_messages'),
  'Chat.Read': r('chats'),
  'Chat.Read.All': r('chats'),
  'Chat.ReadWrite': u('chats'),
  'ChatMessage.Send': c('chats'),
  'OnlineMeetings.ReadWrite.All': u('online_meetings'),
  'Presence.Read.All': r('presence'),

  // Devices and Intune.
  'Device.Read.All': r('devices'),
  'Device.ReadWrite.All': u('devices'),
  'DeviceManagementManagedDevices.Read.All': r('managed_devices'),
  'DeviceManagementManagedDevices.ReadWrite.All': u('managed_devices'),
  'DeviceManagementManagedDevices.PrivilegedOperations.All': a('managed_devices'),
  'DeviceManagementConfiguration.ReadWrite.All': a('device_configuration'),
  'DeviceManagementApps.ReadWrite.All': a('device_apps'),
  'DeviceManagementRBAC.ReadWrite.All': d('intune_roles'),
};
