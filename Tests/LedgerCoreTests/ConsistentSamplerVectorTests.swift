import Testing
@testable import LedgerCore

/// Samples and tickets agree bit for bit with Rivest's `consistent-sampler` (PyPI), so anyone can
/// re-derive a spot check's sample with the public tool.
struct ConsistentSamplerVectorTests {
    @Test func firstTicketsMatchThePackage() {
        let vectors = SpotCheckVectors.shared.firstTickets
        #expect(vectors.count >= 10)
        for vector in vectors {
            #expect(ConsistentSampler(seed: vector.seed).firstTicket(vector.id) == vector.ticket, "\(vector.seed) \(vector.id)")
        }
    }

    @Test func theDocumentedExampleTicket() {
        // consistent_sampler.first_fraction('AB-130', '01382438112797316654'), from the package's docstring.
        #expect(ConsistentSampler(seed: "01382438112797316654").firstTicket("AB-130")
                == "0.26299714122838008416507544297546663599715395525154425586041245287750224561854")
        #expect(ConsistentSampler.uniform("abc") == "0.56998071861792858926477341561059638840106636224182943832566300809078486324348")
    }

    @Test func nextTicketsMatchThePackage() {
        for vector in SpotCheckVectors.shared.nextTickets {
            let next = ConsistentSampler.nextTicket(after: vector.ticket)
            #expect(next == vector.next, "after \(vector.ticket)")
            #expect(Array(next.utf8).lexicographicallyPrecedes(Array(vector.ticket.utf8)) == false)
        }
    }

    @Test func trimmingMatchesThePackage() {
        for vector in SpotCheckVectors.shared.trim {
            #expect(ConsistentSampler.trim(vector.ticket, digits: vector.digits) == vector.trimmed)
        }
    }

    @Test(arguments: SpotCheckVectors.shared.sampling)
    func samplesMatchThePackage(_ vector: SpotCheckVectors.Sampling) throws {
        let drawn = try ConsistentSampler(seed: vector.seed).sample(vector.ids, size: vector.take,
                                                                    withReplacement: vector.withReplacement)
        #expect(drawn.map(\.id) == vector.sample)
        // Positions point back into the input.
        #expect(drawn.allSatisfy { vector.ids[$0.index] == $0.id })
    }

    @Test func withReplacementRepeatsIdsWithRisingGenerations() throws {
        let vector = try #require(SpotCheckVectors.shared.sampling.first { $0.name == "doc/replacement" })
        let drawn = try ConsistentSampler(seed: vector.seed).sample(vector.ids, size: 8, withReplacement: true)
        #expect(drawn.map(\.id) == ["D#4", "C#1", "C#1", "B#7", "A#2", "C#1", "D#4", "B#7"])
        #expect(drawn.filter { $0.id == "C#1" }.map(\.generation) == [1, 2, 3])
    }

    @Test func canonicallyEquivalentSpellingsAreDistinctIds() throws {
        // NFC "café" and NFD "cafe\u{301}" are equal Swift strings but different ids to the package.
        let ids = ["café", "cafe\u{301}"]
        let drawn = try ConsistentSampler(seed: "314159").sample(ids, size: 2)
        #expect(drawn.count == 2)
        #expect(Set(drawn.map(\.index)) == [0, 1])
    }

    @Test func duplicateIdsAreRefused() {
        #expect(throws: SamplingError.duplicateId("B")) {
            try ConsistentSampler(seed: "1").sample(["A", "B", "C", "B"], size: 2)
        }
    }

    @Test func aSampleIsThePrefixOfALargerOne() throws {
        let ids = (1...500).map(String.init)
        let sampler = ConsistentSampler(seed: "96283017465829103847")
        let small = try sampler.sample(ids, size: 10).map(\.id)
        let large = try sampler.sample(ids, size: 300).map(\.id)
        #expect(Array(large.prefix(10)) == small)
        // The heap path (small samples) and the sort path (large ones) agree.
        let all = try sampler.sample(ids, size: 500).map(\.id)
        #expect(Array(all.prefix(300)) == large)
    }

    @Test func theTicketKeyOrdersAsTheTicketString() {
        let sampler = ConsistentSampler(seed: "01382438112797316654")
        for id in ["1", "2", "AB-130", "杭州"] {
            let ticket = sampler.firstTicket(id)
            let digits = ticket.dropFirst(2).prefix(19)
            #expect(UInt64(digits) == sampler.ticketKey(id), "\(id)")
        }
    }
}
