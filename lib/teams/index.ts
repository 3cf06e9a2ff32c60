export { requireTeamRole, requireTeamRoleOf, checkTeamRole, type TeamAccess } from "./access";
export { ROLES, atLeast } from "./roles";
export { listTeams, createTeam, switchTeam, landingTeamId, teamNameSchema } from "./teams";
export { listMembers, changeRole, removeMember } from "./members";
export {
  createInvitation,
  listPendingInvitations,
  revokeInvitation,
  previewInvitation,
  acceptInvitation,
} from "./invitations";
export { pageTeamAccess } from "./page-access";
