/**
 * The audit trail: one line per client operation, appended by every worker process to one file
 * ({@link netdisk.server.audit.AuditLog}).
 */
package netdisk.server.audit;
