export { requireTeamRole, requireTeamRoleOf, checkTeamRole, teamRoleFor, type TeamAccess } from "./access";
export { ROLES, atLeast, canAssign } from "./roles";
export { listTeams, createTeam, switchTeam, landingTeamId, teamNameSchema, type TeamSummary } from "./teams";
export { listMembers, changeRole, removeMember } from "./members";
export {
  createInvitation,
  listPendingInvitations,
  revokeInvitation,
  previewInvitation,
  acceptInvitation,
  hashToken,
} from "./invitations";
export { pageTeamAccess } from "./page-access";
