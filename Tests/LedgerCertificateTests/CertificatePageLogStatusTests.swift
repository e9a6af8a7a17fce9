import Foundation
import LedgerCore
import LedgerDocuments
import Testing

/// The verification page says where the issuance stands in the transparency log: signed, and cosigned by witnesses.
struct CertificatePageLogStatusTests {
    @Test func thePageSaysWhetherACosignedCheckpointCoversTheEntry() {
        var result = CertificateVerification(status: .valid, certificate: Sample.certificate(name: "欧阳娜娜"))
        result.logIndex = 41
        result.inSignedCheckpoint = true
        result.inCosignedCheckpoint = false
        let signedOnly = CertificatePages.verification(result)
        #expect(signedOnly.contains("#41（已纳入签名检查点 / in the signed checkpoint）"))
        #expect(!signedOnly.contains("cosigned by witnesses"))
        result.inCosignedCheckpoint = true
        #expect(CertificatePages.verification(result).contains("#41（已纳入签名检查点 / in the signed checkpoint；已经见证方联署 / cosigned by witnesses）"))
    }

    @Test func aSignedEntryOffersItsLogProofAndAnUnsignedOneDoesNot() throws {
        var result = CertificateVerification(status: .valid, certificate: Sample.certificate(name: "欧阳娜娜"))
        result.logIndex = 41
        result.inSignedCheckpoint = true
        let serial = try #require(result.certificate?.serial)
        #expect(CertificatePages.verification(result).contains("href=\"/api/v1/log/certificate-proofs/\(serial)\" download>下载日志证明 / log proof</a>"))
        result.inSignedCheckpoint = false
        let awaiting = CertificatePages.verification(result)
        #expect(awaiting.contains("待纳入签名检查点"))
        #expect(!awaiting.contains("log-proof"), "no proof before a signed checkpoint covers the entry")
    }
}
