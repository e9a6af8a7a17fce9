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
}
