import Foundation
import Hummingbird
import LedgerCore

/// `/dev/outbox`: the messages the development outbox kept instead of sending them (one-time codes among them), newest
/// first. Registered only when the server runs with `messages = dev` (`make run`); otherwise the path is not found.
struct DevOutboxPages {
    let outbox: DevelopmentOutbox
    let renderer: PageRenderer

    struct Page {
        var capacity: Int
        var messages: [Message]
        var empty: Bool { messages.isEmpty }
    }

    struct Message {
        var number: Int
        var sentAt: String
        var channel: String
        var to: String
        var kind: String
        var subject: String
        var body: String
        var code: String?
    }

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/dev/outbox") { _, context -> Response in
            let zone = TimeZone.ledgerDefault
            let page = Page(capacity: outbox.capacity, messages: outbox.entries.map { entry in
                Message(number: entry.number, sentAt: PageFormat.moment(entry.sentAt, zone), channel: entry.message.recipient.channel.rawValue,
                        to: entry.message.recipient.address, kind: entry.message.kind, subject: entry.message.subject,
                        body: entry.message.body, code: entry.message.parameters["code"])
            })
            return renderer.render("dev-outbox", title: renderer.text("dev_outbox_title", context.language), page: page, context: context)
        }
    }
}
