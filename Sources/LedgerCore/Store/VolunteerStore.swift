import Foundation

/// Volunteers and their memberships in the store (part of `LedgerReader` and `LedgerWriter`).
public protocol VolunteerReader {
    func volunteer(id: Int64) throws -> Volunteer?
    func volunteer(number: String) throws -> Volunteer?
    func volunteer(documentType: DocumentType, documentNumber: String) throws -> Volunteer?
    /// The volunteers with these ids, in any order, missing ones left out.
    func volunteers(ids: [Int64]) throws -> [Volunteer]
    /// Every volunteer, by id.
    func volunteers(after: Int64?, limit: Int) throws -> [Volunteer]
    /// Members of an organization.
    func members(organizationId: Int64, after: Int64?, limit: Int) throws -> [Volunteer]
    /// Members whose name contains `text`, whose volunteer number is `text`, or (for 4 or more digits) whose
    /// phone ends with `text`; by id.
    func searchMembers(organizationId: Int64, text: String, limit: Int) throws -> [Volunteer]
    func memberships(volunteerId: Int64) throws -> [Membership]
    /// An organization's memberships, by volunteer id.
    func memberships(organizationId: Int64, after volunteerId: Int64?, limit: Int) throws -> [Membership]
    /// The volunteer with this number and whether they are a member of the organization, which recording hours needs.
    func volunteer(number: String, memberOf organizationId: Int64) throws -> (volunteer: Volunteer, isMember: Bool)?
    /// The volunteers with these numbers (upper case), in any order, missing ones left out.
    func volunteers(numbers: [String]) throws -> [Volunteer]
    /// The volunteers holding these documents, in any order, missing ones left out.
    func volunteers(documents: [DocumentKey]) throws -> [Volunteer]
    /// Which of these volunteers are members of the organization (an index lookup each, or one statement).
    func memberIds(organizationId: Int64, among volunteerIds: [Int64]) throws -> Set<Int64>
}

/// An identity document as volunteers are looked up by it.
public struct DocumentKey: Sendable, Hashable {
    public var type: DocumentType
    public var number: String
    public init(type: DocumentType, number: String) {
        self.type = type
        self.number = number
    }
}

extension VolunteerReader {
    /// One lookup a volunteer; stores with a one-statement form override it.
    public func volunteers(ids: [Int64]) throws -> [Volunteer] {
        try ids.compactMap { try volunteer(id: $0) }
    }

    /// Two lookups; a server store answers with one.
    public func volunteer(number: String, memberOf organizationId: Int64) throws -> (volunteer: Volunteer, isMember: Bool)? {
        guard let volunteer = try volunteer(number: number) else { return nil }
        return (volunteer, try isMember(volunteerId: volunteer.id, of: organizationId))
    }

    /// Whether the volunteer is a member of the organization.
    public func isMember(volunteerId: Int64, of organizationId: Int64) throws -> Bool {
        try memberships(volunteerId: volunteerId).contains { $0.organizationId == organizationId }
    }

    public func volunteers(numbers: [String]) throws -> [Volunteer] {
        try numbers.compactMap { try volunteer(number: $0) }
    }

    public func volunteers(documents: [DocumentKey]) throws -> [Volunteer] {
        try documents.compactMap { try volunteer(documentType: $0.type, documentNumber: $0.number) }
    }

    public func memberIds(organizationId: Int64, among volunteerIds: [Int64]) throws -> Set<Int64> {
        Set(try volunteerIds.filter { try isMember(volunteerId: $0, of: organizationId) })
    }
}

public protocol VolunteerWriter {
    /// Serializes concurrent writers that touch one volunteer's records, across processes.
    func lockVolunteer(id: Int64) throws
    func insert(_ volunteer: Volunteer) throws -> Volunteer
    /// Adds the membership unless it exists; returns whether it was added.
    @discardableResult func insert(_ membership: Membership) throws -> Bool
    /// Keeps the given id, for copying a ledger between backends.
    func restore(_ volunteer: Volunteer) throws
    /// `lockVolunteer` of each, in the order given (callers sort them, so two writers cannot deadlock).
    func lockVolunteers(ids: [Int64]) throws
    /// Adds the memberships that do not exist; returns how many were added.
    func insert(_ memberships: [Membership]) throws -> Int
    /// Inserts new volunteers (ids ignored) and returns them with their ids, in the order given.
    func insert(_ volunteers: [Volunteer]) throws -> [Volunteer]
}

extension VolunteerWriter {
    public func lockVolunteers(ids: [Int64]) throws {
        for id in ids { try lockVolunteer(id: id) }
    }

    public func insert(_ memberships: [Membership]) throws -> Int {
        try memberships.reduce(0) { $0 + (try insert($1) ? 1 : 0) }
    }

    public func insert(_ volunteers: [Volunteer]) throws -> [Volunteer] {
        try volunteers.map { try insert($0) }
    }
}
