import GRDB

/// The SQLite schema, as versioned migrations. Times are whole seconds since 1970 (UTC).
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE organizations (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    credit_code TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    region_code TEXT NOT NULL,
                    contact_name TEXT NOT NULL,
                    contact_phone TEXT NOT NULL,
                    time_zone TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE volunteers (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    number TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    sex TEXT NOT NULL,
                    birth_date TEXT NOT NULL,
                    document_type TEXT NOT NULL,
                    document_number TEXT NOT NULL,
                    residence_area TEXT NOT NULL,
                    phone TEXT NOT NULL,
                    skills TEXT NOT NULL,
                    service_categories TEXT NOT NULL,
                    registered_at INTEGER NOT NULL,
                    UNIQUE (document_type, document_number)
                );
                CREATE TABLE memberships (
                    organization_id INTEGER NOT NULL REFERENCES organizations(id),
                    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
                    joined_at INTEGER NOT NULL,
                    PRIMARY KEY (organization_id, volunteer_id)
                ) WITHOUT ROWID;
                CREATE INDEX memberships_by_volunteer ON memberships (volunteer_id);
                CREATE TABLE activities (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    organization_id INTEGER NOT NULL REFERENCES organizations(id),
                    title TEXT NOT NULL,
                    content TEXT NOT NULL,
                    category TEXT NOT NULL,
                    place TEXT NOT NULL,
                    start_at INTEGER NOT NULL,
                    end_at INTEGER NOT NULL,
                    leader TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    CHECK (end_at > start_at)
                );
                CREATE INDEX activities_by_title ON activities (organization_id, title);
                CREATE TABLE service_records (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
                    activity_id INTEGER NOT NULL REFERENCES activities(id),
                    organization_id INTEGER NOT NULL REFERENCES organizations(id),
                    start_at INTEGER NOT NULL,
                    end_at INTEGER NOT NULL,
                    minutes INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    note TEXT NOT NULL,
                    recorded_by INTEGER,
                    recorded_at INTEGER NOT NULL,
                    is_late INTEGER NOT NULL,
                    is_void INTEGER NOT NULL,
                    revision INTEGER NOT NULL,
                    CHECK (end_at > start_at AND minutes > 0 AND minutes * 60 <= end_at - start_at)
                );
                CREATE INDEX records_by_volunteer ON service_records (volunteer_id, start_at);
                CREATE INDEX records_by_organization ON service_records (organization_id, id);
                CREATE INDEX records_by_activity ON service_records (activity_id);
                CREATE TABLE record_revisions (
                    record_id INTEGER NOT NULL REFERENCES service_records(id),
                    revision INTEGER NOT NULL,
                    organization_id INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    start_at INTEGER NOT NULL,
                    end_at INTEGER NOT NULL,
                    minutes INTEGER NOT NULL,
                    note TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    actor_id INTEGER,
                    at INTEGER NOT NULL,
                    chain_sequence INTEGER NOT NULL,
                    digest TEXT NOT NULL,
                    PRIMARY KEY (record_id, revision),
                    UNIQUE (organization_id, chain_sequence)
                ) WITHOUT ROWID;
                -- The history is append-only: the database itself refuses edits and deletions.
                CREATE TRIGGER record_revisions_no_update BEFORE UPDATE ON record_revisions
                    BEGIN SELECT RAISE(ABORT, 'record revisions are append-only'); END;
                CREATE TRIGGER record_revisions_no_delete BEFORE DELETE ON record_revisions
                    BEGIN SELECT RAISE(ABORT, 'record revisions are append-only'); END;
                CREATE TRIGGER service_records_no_delete BEFORE DELETE ON service_records
                    BEGIN SELECT RAISE(ABORT, 'service records are never deleted; void them'); END;
                CREATE TABLE chain_heads (
                    organization_id INTEGER PRIMARY KEY,
                    sequence INTEGER NOT NULL,
                    digest TEXT NOT NULL
                );
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    username TEXT NOT NULL UNIQUE,
                    display_name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    organization_id INTEGER REFERENCES organizations(id),
                    volunteer_id INTEGER REFERENCES volunteers(id),
                    password_hash TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    is_disabled INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    revoked_at INTEGER
                ) WITHOUT ROWID;
                CREATE TABLE holidays (
                    date TEXT PRIMARY KEY,
                    is_workday INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-certificates") { db in
            try db.execute(sql: certificatesSQL)
        }
        migrator.registerMigration("v3-spot-checks") { db in
            try db.execute(sql: spotChecksSQL)
        }
        migrator.registerMigration("v4-check-ins") { db in
            try db.execute(sql: checkInsSQL)
        }
        migrator.registerMigration("v5-sign-ups") { db in
            try db.execute(sql: signUpsSQL)
        }
        migrator.registerMigration("v6-self-check-in") { db in
            try db.execute(sql: selfCheckInSQL)
        }
        migrator.registerMigration("v7-activity-sites") { db in
            try db.execute(sql: activitySitesSQL)
        }
        migrator.registerMigration("v8-login-invitations") { db in
            try db.execute(sql: invitationsSQL)
        }
        migrator.registerMigration("v9-hours-claims") { db in
            try db.execute(sql: claimsSQL)
        }
        migrator.registerMigration("v10-transparency-log") { db in
            try db.execute(sql: transparencyLogSQL)
        }
        migrator.registerMigration("v28-join-requests") { db in
            try db.execute(sql: joinRequestsSQL)
        }
        migrator.registerMigration("v27-check-out-positions") { db in
            try db.execute(sql: checkOutPositionsSQL)
        }
        migrator.registerMigration("v16-verification-codes") { db in
            try db.execute(sql: verificationCodesSQL)
        }
        migrator.registerMigration("v33-audit-verification") { db in
            try db.execute(sql: auditVerificationSQL)
        }
        migrator.registerMigration("v34-organization-applications") { db in
            try db.execute(sql: organizationApplicationsSQL)
        }
        migrator.registerMigration("v35-resident-registration") { db in
            try db.execute(sql: residentsSQL)
        }
        migrator.registerMigration("v30-security-log") { db in
            try db.execute(sql: securityLogSQL)
        }
        migrator.registerMigration("v36-statistics") { db in
            try db.execute(sql: statisticsSQL)
        }
        return migrator
    }

    /// Organizations' applications to the platform: one pending per credit code; decided once; never deleted. The
    /// certificates are stored once by their hash and never change.
    static let organizationApplicationsSQL = """
        CREATE TABLE registration_certificates (
            hash TEXT PRIMARY KEY CHECK (length(hash) = 64),
            content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
            bytes BLOB NOT NULL CHECK (length(bytes) BETWEEN 1 AND 5242880)
        ) WITHOUT ROWID;
        CREATE TRIGGER registration_certificates_no_change BEFORE UPDATE ON registration_certificates
            BEGIN SELECT RAISE(ABORT, 'a certificate is stored once by its hash'); END;
        CREATE TABLE organization_applications (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            credit_code TEXT NOT NULL CHECK (length(credit_code) = 18),
            region_code TEXT NOT NULL CHECK (length(region_code) = 6),
            registration_type TEXT NOT NULL CHECK (registration_type IN ('social_group', 'social_service', 'foundation', 'community_team')),
            contact_name TEXT NOT NULL CHECK (length(contact_name) BETWEEN 1 AND 50),
            contact_phone TEXT NOT NULL CHECK (length(contact_phone) BETWEEN 5 AND 20),
            admin_username TEXT NOT NULL CHECK (length(admin_username) BETWEEN 1 AND 64),
            admin_password_hash TEXT NOT NULL,
            certificate_hash TEXT NOT NULL REFERENCES registration_certificates (hash),
            status_token_hash TEXT NOT NULL CHECK (length(status_token_hash) = 64),
            state TEXT NOT NULL CHECK (state IN ('pending', 'returned', 'approved')),
            submitted_at INTEGER NOT NULL,
            decided_at INTEGER,
            decided_by INTEGER,
            reason TEXT CHECK (length(reason) <= 500),
            organization_id INTEGER REFERENCES organizations (id),
            CHECK ((state = 'pending') = (decided_at IS NULL)),
            CHECK ((state = 'approved') = (organization_id IS NOT NULL))
        );
        CREATE UNIQUE INDEX organization_applications_one_pending ON organization_applications (credit_code) WHERE state = 'pending';
        CREATE INDEX organization_applications_by_state ON organization_applications (state, id);
        CREATE TRIGGER organization_applications_no_delete BEFORE DELETE ON organization_applications
            BEGIN SELECT RAISE(ABORT, 'organization applications are never deleted'); END;
        CREATE TRIGGER organization_applications_decided_once BEFORE UPDATE ON organization_applications
            WHEN OLD.state <> 'pending' OR NEW.id <> OLD.id OR NEW.credit_code <> OLD.credit_code OR NEW.submitted_at <> OLD.submitted_at
            BEGIN SELECT RAISE(ABORT, 'an organization application is decided once'); END;
        """

    /// One-time codes: one per purpose and destination, only its keyed hash, forgotten when used or long expired.
    static let verificationCodesSQL = """
        CREATE TABLE verification_codes (
            purpose TEXT NOT NULL CHECK (purpose IN ('register', 'change-phone', 'reset-password', 'organization-apply')),
            destination TEXT NOT NULL CHECK (length(destination) BETWEEN 1 AND 300),
            code_hash TEXT NOT NULL CHECK (length(code_hash) = 64),
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            PRIMARY KEY (purpose, destination)
        ) WITHOUT ROWID;
        CREATE INDEX verification_codes_by_expiry ON verification_codes (expires_at);
        """

    /// Self check-in: how a volunteer was checked in (`staff`, or `self` with the attendance code) and where their
    /// phone said it was.
    static let selfCheckInSQL = """
        ALTER TABLE check_ins ADD COLUMN method TEXT NOT NULL DEFAULT 'staff' CHECK (method IN ('staff', 'self'));
        ALTER TABLE check_ins ADD COLUMN latitude REAL CHECK (latitude BETWEEN -90 AND 90);
        ALTER TABLE check_ins ADD COLUMN longitude REAL CHECK (longitude BETWEEN -180 AND 180);
        ALTER TABLE check_ins ADD COLUMN accuracy REAL CHECK (accuracy >= 0);
        """

    /// Where an activity's self check-ins are expected, and which check-ins were away from it.
    static let activitySitesSQL = """
        ALTER TABLE activities ADD COLUMN site_latitude REAL CHECK (site_latitude BETWEEN -90 AND 90);
        ALTER TABLE activities ADD COLUMN site_longitude REAL CHECK (site_longitude BETWEEN -180 AND 180);
        ALTER TABLE activities ADD COLUMN site_radius INTEGER CHECK (site_radius > 0);
        ALTER TABLE activities ADD COLUMN presence_required INTEGER NOT NULL DEFAULT 0 CHECK (presence_required IN (0, 1));
        ALTER TABLE check_ins ADD COLUMN off_site INTEGER NOT NULL DEFAULT 0 CHECK (off_site IN (0, 1));
        """

    /// Where the phone was at a self check-out, and whether that was away from the activity's site (set once, at close).
    static let checkOutPositionsSQL = """
        ALTER TABLE check_ins ADD COLUMN check_out_latitude REAL CHECK (check_out_latitude BETWEEN -90 AND 90);
        ALTER TABLE check_ins ADD COLUMN check_out_longitude REAL CHECK (check_out_longitude BETWEEN -180 AND 180);
        ALTER TABLE check_ins ADD COLUMN check_out_accuracy REAL CHECK (check_out_accuracy >= 0);
        ALTER TABLE check_ins ADD COLUMN check_out_off_site INTEGER NOT NULL DEFAULT 0 CHECK (check_out_off_site IN (0, 1));
        """

    /// The transparency log: entries queued by their events' transactions, then sequenced with the hash of every
    /// complete subtree (level 0: the leaves). Sequenced entries and hashes are never changed or deleted.
    static let transparencyLogSQL = """
        CREATE TABLE log_queue (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            entry BLOB NOT NULL
        );
        CREATE TABLE log_entries (
            idx INTEGER PRIMARY KEY CHECK (idx >= 0),
            entry BLOB NOT NULL
        );
        CREATE TABLE log_hashes (
            level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
            idx INTEGER NOT NULL CHECK (idx >= 0),
            hash BLOB NOT NULL CHECK (length(hash) = 32),
            PRIMARY KEY (level, idx)
        ) WITHOUT ROWID;
        CREATE TABLE log_subjects (
            subject TEXT PRIMARY KEY,
            idx INTEGER NOT NULL REFERENCES log_entries(idx)
        );
        CREATE TRIGGER log_entries_append_only_update BEFORE UPDATE ON log_entries
            BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
        CREATE TRIGGER log_entries_append_only_delete BEFORE DELETE ON log_entries
            BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
        CREATE TRIGGER log_hashes_append_only_update BEFORE UPDATE ON log_hashes
            BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
        CREATE TRIGGER log_hashes_append_only_delete BEFORE DELETE ON log_hashes
            BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
        """

    /// Invitations for members to open their own login: only the code's hash is kept; an invitation is used once.
    static let invitationsSQL = """
        CREATE TABLE login_invitations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            organization_id INTEGER NOT NULL REFERENCES organizations(id),
            code_hash TEXT NOT NULL UNIQUE,
            created_by INTEGER,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER,
            user_id INTEGER REFERENCES users(id),
            CHECK ((used_at IS NULL) = (user_id IS NULL))
        );
        CREATE INDEX login_invitations_by_volunteer ON login_invitations (volunteer_id);
        CREATE TRIGGER login_invitations_no_delete BEFORE DELETE ON login_invitations
            BEGIN SELECT RAISE(ABORT, 'invitations are never deleted'); END;
        CREATE TRIGGER login_invitations_used_once BEFORE UPDATE ON login_invitations
            WHEN OLD.used_at IS NOT NULL OR NEW.code_hash IS NOT OLD.code_hash OR NEW.volunteer_id IS NOT OLD.volunteer_id
            BEGIN SELECT RAISE(ABORT, 'an invitation is used once'); END;
        """

    /// Volunteers' hour claims (补录申请) and the images attached to them, stored once by content hash. A claim is
    /// decided once; an approved one names its record. Check-ins gain the state `auto_closed` (SQLite rebuilds the table
    /// to widen its CHECK), whose stay waits as a claim; organizations set their check-out grace.
    static let claimsSQL = """
        DROP TRIGGER check_ins_no_delete;
        DROP TRIGGER check_ins_closed_once;
        CREATE TABLE check_ins_widened (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            activity_id INTEGER NOT NULL REFERENCES activities(id),
            organization_id INTEGER NOT NULL REFERENCES organizations(id),
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            checked_in_at INTEGER NOT NULL,
            checked_in_by INTEGER,
            state TEXT NOT NULL CHECK (state IN ('open', 'checked_out', 'canceled', 'auto_closed')),
            closed_at INTEGER,
            closed_by INTEGER,
            record_id INTEGER REFERENCES service_records(id),
            cancel_reason TEXT,
            method TEXT NOT NULL DEFAULT 'staff' CHECK (method IN ('staff', 'self')),
            latitude REAL CHECK (latitude BETWEEN -90 AND 90),
            longitude REAL CHECK (longitude BETWEEN -180 AND 180),
            accuracy REAL CHECK (accuracy >= 0),
            off_site INTEGER NOT NULL DEFAULT 0 CHECK (off_site IN (0, 1)),
            CHECK ((state = 'open') = (closed_at IS NULL)),
            CHECK ((state = 'checked_out') = (record_id IS NOT NULL))
        );
        INSERT INTO check_ins_widened (id, activity_id, organization_id, volunteer_id, checked_in_at, checked_in_by, state,
                                       closed_at, closed_by, record_id, cancel_reason, method, latitude, longitude, accuracy, off_site)
            SELECT id, activity_id, organization_id, volunteer_id, checked_in_at, checked_in_by, state, closed_at, closed_by,
                   record_id, cancel_reason, method, latitude, longitude, accuracy, off_site FROM check_ins;
        DROP TABLE check_ins;
        ALTER TABLE check_ins_widened RENAME TO check_ins;
        CREATE UNIQUE INDEX check_ins_one_open_per_volunteer ON check_ins (volunteer_id) WHERE state = 'open';
        CREATE INDEX check_ins_by_activity ON check_ins (activity_id, id);
        CREATE TRIGGER check_ins_no_delete BEFORE DELETE ON check_ins
            BEGIN SELECT RAISE(ABORT, 'check-ins are never deleted; cancel them'); END;
        CREATE TRIGGER check_ins_closed_once BEFORE UPDATE ON check_ins
            WHEN OLD.state <> 'open' OR NEW.id IS NOT OLD.id OR NEW.activity_id IS NOT OLD.activity_id
              OR NEW.volunteer_id IS NOT OLD.volunteer_id OR NEW.checked_in_at IS NOT OLD.checked_in_at
            BEGIN SELECT RAISE(ABORT, 'a check-in is closed once and then frozen'); END;
        CREATE TABLE organization_settings (
            organization_id INTEGER PRIMARY KEY REFERENCES organizations(id),
            check_out_grace_minutes INTEGER NOT NULL CHECK (check_out_grace_minutes BETWEEN 0 AND 1440)
        );
        CREATE TABLE claim_evidence (
            hash TEXT PRIMARY KEY CHECK (length(hash) = 64),
            content_type TEXT NOT NULL,
            bytes BLOB NOT NULL
        );
        CREATE TABLE hours_claims (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            activity_id INTEGER NOT NULL REFERENCES activities(id),
            organization_id INTEGER NOT NULL REFERENCES organizations(id),
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            start_at INTEGER NOT NULL,
            end_at INTEGER NOT NULL,
            minutes INTEGER NOT NULL CHECK (minutes > 0),
            note TEXT NOT NULL,
            evidence_hash TEXT REFERENCES claim_evidence(hash),
            is_late INTEGER NOT NULL CHECK (is_late IN (0, 1)),
            state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
            submitted_at INTEGER NOT NULL,
            decided_at INTEGER,
            decided_by INTEGER,
            reason TEXT,
            record_id INTEGER REFERENCES service_records(id),
            origin TEXT NOT NULL CHECK (origin IN ('volunteer', 'auto_close')),
            check_in_id INTEGER UNIQUE REFERENCES check_ins(id),
            correction TEXT,
            CHECK ((origin = 'auto_close') = (check_in_id IS NOT NULL)),
            CHECK ((state = 'pending') = (decided_at IS NULL)),
            CHECK ((state = 'approved') = (record_id IS NOT NULL))
        );
        CREATE INDEX hours_claims_by_organization ON hours_claims (organization_id, state, id);
        CREATE INDEX hours_claims_by_volunteer ON hours_claims (volunteer_id, id);
        CREATE TRIGGER hours_claims_no_delete BEFORE DELETE ON hours_claims
            BEGIN SELECT RAISE(ABORT, 'hour claims are never deleted; reject them'); END;
        CREATE TRIGGER hours_claims_decided_once BEFORE UPDATE ON hours_claims
            WHEN OLD.state <> 'pending' OR NEW.id IS NOT OLD.id OR NEW.volunteer_id IS NOT OLD.volunteer_id
              OR NEW.start_at IS NOT OLD.start_at OR NEW.end_at IS NOT OLD.end_at OR NEW.minutes IS NOT OLD.minutes
            BEGIN SELECT RAISE(ABORT, 'an hour claim is decided once'); END;
        CREATE TRIGGER claim_evidence_no_change BEFORE UPDATE ON claim_evidence
            BEGIN SELECT RAISE(ABORT, 'evidence is stored once by its hash'); END;
        """

    /// Issued certificates and the record revisions each covers. Serials and status-list indexes are
    /// unique by constraint, so that server processes sharing the file never hand out one twice;
    /// certificates are never deleted, and a revocation is set once and never changed.
    static let certificatesSQL = """
        CREATE TABLE certificates (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            serial TEXT NOT NULL UNIQUE,
            status_index INTEGER NOT NULL UNIQUE CHECK (status_index >= 0),
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            organization_id INTEGER REFERENCES organizations(id),
            volunteer_name TEXT NOT NULL,
            volunteer_number TEXT NOT NULL,
            masked_document_number TEXT NOT NULL,
            issuer_name TEXT NOT NULL,
            issuer_code TEXT NOT NULL,
            period_from TEXT,
            period_to TEXT,
            minutes INTEGER NOT NULL CHECK (minutes > 0),
            record_count INTEGER NOT NULL CHECK (record_count > 0),
            coverage_digest TEXT NOT NULL,
            time_zone TEXT NOT NULL,
            issued_at INTEGER NOT NULL,
            issued_by INTEGER,
            key_id TEXT NOT NULL,
            token TEXT NOT NULL,
            revoked_at INTEGER,
            revoked_by INTEGER,
            revocation_reason TEXT
        );
        CREATE INDEX certificates_by_volunteer ON certificates (volunteer_id, id);
        CREATE INDEX certificates_by_organization ON certificates (organization_id, id);
        CREATE TABLE certificate_records (
            certificate_id INTEGER NOT NULL REFERENCES certificates(id),
            record_id INTEGER NOT NULL REFERENCES service_records(id),
            revision INTEGER NOT NULL,
            organization_id INTEGER NOT NULL,
            organization_name TEXT NOT NULL,
            activity_id INTEGER NOT NULL,
            activity_title TEXT NOT NULL,
            service_date TEXT NOT NULL,
            start_at INTEGER NOT NULL,
            minutes INTEGER NOT NULL,
            PRIMARY KEY (certificate_id, record_id)
        ) WITHOUT ROWID;
        CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
            BEGIN SELECT RAISE(ABORT, 'certificates are never deleted; revoke them'); END;
        CREATE TRIGGER certificates_frozen BEFORE UPDATE ON certificates
            WHEN OLD.revoked_at IS NOT NULL
              OR NEW.serial IS NOT OLD.serial OR NEW.status_index IS NOT OLD.status_index
              OR NEW.volunteer_id IS NOT OLD.volunteer_id OR NEW.organization_id IS NOT OLD.organization_id
              OR NEW.minutes IS NOT OLD.minutes OR NEW.coverage_digest IS NOT OLD.coverage_digest
              OR NEW.issued_at IS NOT OLD.issued_at OR NEW.key_id IS NOT OLD.key_id OR NEW.token IS NOT OLD.token
            BEGIN SELECT RAISE(ABORT, 'issued certificates are frozen; only a revocation may be added, once'); END;
        CREATE TRIGGER certificate_records_no_update BEFORE UPDATE ON certificate_records
            BEGIN SELECT RAISE(ABORT, 'certified records are frozen'); END;
        CREATE TRIGGER certificate_records_no_delete BEFORE DELETE ON certificate_records
            BEGIN SELECT RAISE(ABORT, 'certified records are frozen'); END;
        """

    /// On-site check-ins; a volunteer has at most one open check-in, and a closed one is never reopened.
    static let checkInsSQL = """
        CREATE TABLE check_ins (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            activity_id INTEGER NOT NULL REFERENCES activities(id),
            organization_id INTEGER NOT NULL REFERENCES organizations(id),
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            checked_in_at INTEGER NOT NULL,
            checked_in_by INTEGER,
            state TEXT NOT NULL CHECK (state IN ('open', 'checked_out', 'canceled')),
            closed_at INTEGER,
            closed_by INTEGER,
            record_id INTEGER REFERENCES service_records(id),
            cancel_reason TEXT,
            CHECK ((state = 'open') = (closed_at IS NULL)),
            CHECK ((state = 'checked_out') = (record_id IS NOT NULL))
        );
        CREATE UNIQUE INDEX check_ins_one_open_per_volunteer ON check_ins (volunteer_id) WHERE state = 'open';
        CREATE INDEX check_ins_by_activity ON check_ins (activity_id, id);
        CREATE TRIGGER check_ins_no_delete BEFORE DELETE ON check_ins
            BEGIN SELECT RAISE(ABORT, 'check-ins are never deleted; cancel them'); END;
        CREATE TRIGGER check_ins_closed_once BEFORE UPDATE ON check_ins
            WHEN OLD.state <> 'open' OR NEW.id IS NOT OLD.id OR NEW.activity_id IS NOT OLD.activity_id
              OR NEW.volunteer_id IS NOT OLD.volunteer_id OR NEW.checked_in_at IS NOT OLD.checked_in_at
            BEGIN SELECT RAISE(ABORT, 'a check-in is closed once and then frozen'); END;
        """
}

extension SQLiteSchema {
    /// Activities open for sign-up and volunteers' sign-ups; a volunteer has at most one active sign-up per
    /// activity. Sign-ups are never deleted: they are canceled or declined.
    static let signUpsSQL = """
        CREATE TABLE recruitments (
            activity_id INTEGER PRIMARY KEY REFERENCES activities(id),
            organization_id INTEGER NOT NULL REFERENCES organizations(id),
            audience TEXT NOT NULL CHECK (audience IN ('members', 'everyone')),
            capacity INTEGER NOT NULL CHECK (capacity > 0),
            deadline INTEGER NOT NULL,
            required_skills TEXT NOT NULL,
            opened_at INTEGER NOT NULL,
            opened_by INTEGER
        );
        CREATE INDEX recruitments_by_deadline ON recruitments (deadline);
        CREATE TABLE sign_ups (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            activity_id INTEGER NOT NULL REFERENCES recruitments(activity_id),
            organization_id INTEGER NOT NULL REFERENCES organizations(id),
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'waitlisted', 'declined', 'canceled')),
            signed_up_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            decided_by INTEGER,
            reason TEXT
        );
        CREATE UNIQUE INDEX sign_ups_one_active ON sign_ups (activity_id, volunteer_id)
            WHERE state IN ('pending', 'confirmed', 'waitlisted');
        CREATE INDEX sign_ups_by_activity ON sign_ups (activity_id, state, id);
        CREATE INDEX sign_ups_by_volunteer ON sign_ups (volunteer_id, id);
        CREATE TRIGGER sign_ups_no_delete BEFORE DELETE ON sign_ups
            BEGIN SELECT RAISE(ABORT, 'sign-ups are never deleted; cancel or decline them'); END;
        CREATE TRIGGER sign_ups_closed_once BEFORE UPDATE ON sign_ups
            WHEN OLD.state IN ('declined', 'canceled') OR NEW.id IS NOT OLD.id OR NEW.activity_id IS NOT OLD.activity_id
              OR NEW.volunteer_id IS NOT OLD.volunteer_id OR NEW.signed_up_at IS NOT OLD.signed_up_at
            BEGIN SELECT RAISE(ABORT, 'a declined or canceled sign-up is final'); END;
        """
}

extension SQLiteSchema {
    /// Spot-check campaigns (双随机、一公开), their frozen populations, samples, inspector teams and
    /// findings, inspectors' affiliations and conflicts (回避), and certificates marked for review.
    /// Populations, samples, teams and findings are written once and never changed.
    static let spotChecksSQL = """
        CREATE TABLE spot_check_campaigns (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            unit TEXT NOT NULL,
            scope TEXT NOT NULL,
            size_rule TEXT NOT NULL,
            stratified INTEGER NOT NULL,
            weighting TEXT NOT NULL,
            records_per_organization INTEGER NOT NULL,
            inspectors_per_unit INTEGER NOT NULL,
            status TEXT NOT NULL,
            population_size INTEGER,
            second_stage_size INTEGER,
            population_digest TEXT,
            sample_size INTEGER,
            size_method TEXT,
            seed TEXT,
            inspector_pool TEXT,
            created_by INTEGER,
            created_at INTEGER NOT NULL,
            frozen_at INTEGER,
            drawn_at INTEGER,
            assigned_at INTEGER,
            published_at INTEGER
        );
        CREATE TABLE spot_check_population (
            campaign_id INTEGER NOT NULL REFERENCES spot_check_campaigns(id),
            position INTEGER NOT NULL,
            stage INTEGER NOT NULL,
            unit_id TEXT NOT NULL,
            stratum TEXT NOT NULL,
            weight INTEGER NOT NULL CHECK (weight > 0),
            entity_id INTEGER NOT NULL,
            organization_id INTEGER,
            PRIMARY KEY (campaign_id, position),
            UNIQUE (campaign_id, stage, unit_id)
        ) WITHOUT ROWID;
        CREATE TABLE spot_check_sample (
            campaign_id INTEGER NOT NULL REFERENCES spot_check_campaigns(id),
            position INTEGER NOT NULL,
            stage INTEGER NOT NULL,
            draw_order INTEGER NOT NULL,
            unit_id TEXT NOT NULL,
            stratum TEXT NOT NULL,
            ticket TEXT NOT NULL,
            weighted_key REAL,
            entity_id INTEGER NOT NULL,
            organization_id INTEGER,
            PRIMARY KEY (campaign_id, position),
            UNIQUE (campaign_id, stage, unit_id)
        ) WITHOUT ROWID;
        CREATE TABLE spot_check_assignments (
            campaign_id INTEGER NOT NULL REFERENCES spot_check_campaigns(id),
            unit_id TEXT NOT NULL,
            inspector_id INTEGER NOT NULL REFERENCES users(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (campaign_id, unit_id, position),
            UNIQUE (campaign_id, unit_id, inspector_id)
        ) WITHOUT ROWID;
        CREATE INDEX spot_check_assignments_by_inspector ON spot_check_assignments (inspector_id, campaign_id);
        CREATE TABLE spot_check_findings (
            campaign_id INTEGER NOT NULL REFERENCES spot_check_campaigns(id),
            item_id TEXT NOT NULL,
            outcome TEXT NOT NULL,
            discrepancy TEXT,
            corrected_minutes INTEGER,
            notes TEXT NOT NULL,
            checklist TEXT NOT NULL,
            decided_by INTEGER,
            decided_at INTEGER NOT NULL,
            correction_revision INTEGER,
            correction_note TEXT NOT NULL,
            PRIMARY KEY (campaign_id, item_id)
        ) WITHOUT ROWID;
        CREATE TABLE inspector_exclusions (
            inspector_id INTEGER NOT NULL REFERENCES users(id),
            organization_id INTEGER NOT NULL REFERENCES organizations(id),
            kind TEXT NOT NULL,
            reason TEXT NOT NULL,
            declared_at INTEGER NOT NULL,
            declared_by INTEGER,
            PRIMARY KEY (inspector_id, organization_id, kind)
        ) WITHOUT ROWID;
        CREATE TABLE certificate_reviews (
            certificate_id INTEGER NOT NULL REFERENCES certificates(id),
            campaign_id INTEGER NOT NULL REFERENCES spot_check_campaigns(id),
            item_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            flagged_at INTEGER NOT NULL,
            PRIMARY KEY (certificate_id, campaign_id, item_id)
        ) WITHOUT ROWID;
        CREATE TRIGGER spot_check_population_frozen BEFORE UPDATE ON spot_check_population
            BEGIN SELECT RAISE(ABORT, 'a frozen population is never changed'); END;
        CREATE TRIGGER spot_check_population_kept BEFORE DELETE ON spot_check_population
            BEGIN SELECT RAISE(ABORT, 'a frozen population is never changed'); END;
        CREATE TRIGGER spot_check_sample_frozen BEFORE UPDATE ON spot_check_sample
            BEGIN SELECT RAISE(ABORT, 'a drawn sample is never changed'); END;
        CREATE TRIGGER spot_check_sample_kept BEFORE DELETE ON spot_check_sample
            BEGIN SELECT RAISE(ABORT, 'a drawn sample is never changed'); END;
        CREATE TRIGGER spot_check_assignments_frozen BEFORE UPDATE ON spot_check_assignments
            BEGIN SELECT RAISE(ABORT, 'inspector assignments are never changed'); END;
        CREATE TRIGGER spot_check_assignments_kept BEFORE DELETE ON spot_check_assignments
            BEGIN SELECT RAISE(ABORT, 'inspector assignments are never changed'); END;
        CREATE TRIGGER spot_check_findings_frozen BEFORE UPDATE ON spot_check_findings
            BEGIN SELECT RAISE(ABORT, 'findings are never changed'); END;
        CREATE TRIGGER spot_check_findings_kept BEFORE DELETE ON spot_check_findings
            BEGIN SELECT RAISE(ABORT, 'findings are never changed'); END;
        """
}

extension SQLiteSchema {
    /// Volunteers' requests to join organizations (at most one pending per volunteer and organization; decided once, never
    /// deleted), memberships that ended when a volunteer left, whether an organization takes requests, and the index the
    /// public activity search reads (recruitments open to everyone, by deadline).
    static let joinRequestsSQL = """
        CREATE TABLE join_requests (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            organization_id INTEGER NOT NULL REFERENCES organizations(id),
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            note TEXT NOT NULL CHECK (length(note) <= 200),
            state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'withdrawn')),
            requested_at INTEGER NOT NULL,
            decided_at INTEGER,
            decided_by INTEGER,
            reason TEXT,
            CHECK ((state = 'pending') = (decided_at IS NULL))
        );
        CREATE UNIQUE INDEX join_requests_one_pending ON join_requests (organization_id, volunteer_id) WHERE state = 'pending';
        CREATE INDEX join_requests_by_organization ON join_requests (organization_id, state, id);
        CREATE INDEX join_requests_by_volunteer ON join_requests (volunteer_id, id);
        CREATE TRIGGER join_requests_no_delete BEFORE DELETE ON join_requests
            BEGIN SELECT RAISE(ABORT, 'join requests are never deleted'); END;
        CREATE TRIGGER join_requests_decided_once BEFORE UPDATE ON join_requests
            WHEN OLD.state <> 'pending' OR NEW.id IS NOT OLD.id OR NEW.organization_id IS NOT OLD.organization_id
              OR NEW.volunteer_id IS NOT OLD.volunteer_id OR NEW.requested_at IS NOT OLD.requested_at
            BEGIN SELECT RAISE(ABORT, 'a join request is decided once'); END;
        CREATE TABLE membership_endings (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            organization_id INTEGER NOT NULL REFERENCES organizations(id),
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            joined_at INTEGER NOT NULL,
            left_at INTEGER NOT NULL
        );
        CREATE INDEX membership_endings_by_volunteer ON membership_endings (volunteer_id, id);
        CREATE TRIGGER membership_endings_append_only_update BEFORE UPDATE ON membership_endings
            BEGIN SELECT RAISE(ABORT, 'ended memberships are kept as they ended'); END;
        CREATE TRIGGER membership_endings_append_only_delete BEFORE DELETE ON membership_endings
            BEGIN SELECT RAISE(ABORT, 'ended memberships are kept as they ended'); END;
        ALTER TABLE organization_settings ADD COLUMN accepts_join_requests INTEGER NOT NULL DEFAULT 1
            CHECK (accepts_join_requests IN (0, 1));
        CREATE INDEX recruitments_public ON recruitments (deadline, activity_id) WHERE audience = 'everyone';
        """
}
