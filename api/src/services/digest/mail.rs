//! Mail: the SMTP transport (lettre) and the two messages the digest sends, each a multipart
//! text + HTML mail. Every digest carries RFC 8058's one-click unsubscribe headers.

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{ConfigError, Settings};
use crate::services::digest::Frequency;
use crate::services::input::escape_html as escape;

/// Sends mail through the configured SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The site's address, for the links in mails.
    pub site: String,
    metrics: std::sync::Arc<crate::metrics::Metrics>,
}

/// What a mail is, as counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    Confirmation,
    Digest,
}

/// The site's own address for links back to it: `--public-url`, else the listen address.
pub fn site_of(settings: &Settings) -> String {
    settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", settings.listen))
}

impl Mailer {
    /// The mailer `--smtp-url` describes; `None` without one (mail is off).
    pub fn from_settings(
        settings: &Settings,
        metrics: std::sync::Arc<crate::metrics::Metrics>,
    ) -> Result<Option<Self>, ConfigError> {
        let Some(url) = &settings.smtp_url else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| ConfigError {
                setting: "--smtp-url (PAPERS_SMTP_URL)",
                reason: e.to_string(),
            })?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        let from = settings.mail_from.parse().map_err(|_| ConfigError {
            setting: "--mail-from (PAPERS_MAIL_FROM)",
            reason: format!("{:?} is not a mailbox", settings.mail_from),
        })?;
        Ok(Some(Self {
            transport,
            from,
            site: site_of(settings),
            metrics,
        }))
    }

    /// Sends one message; the error says why, without the server's secrets.
    pub async fn send(&self, kind: MailKind, message: Message) -> Result<(), String> {
        let sent = self
            .transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string());
        let kind = match kind {
            MailKind::Confirmation => "confirmation",
            MailKind::Digest => "digest",
        };
        self.metrics.mail(kind, sent.is_ok());
        sent
    }

    fn link(&self, path: &str, token: &str) -> String {
        format!("{}{path}?token={token}", self.site.trim_end_matches('/'))
    }

    /// The double opt-in mail: nothing else is sent to the address before its link is followed.
    pub fn confirmation(
        &self,
        to: &str,
        frequency: Frequency,
        token: &str,
    ) -> Result<Message, String> {
        let confirm = self.link("/digest/confirm", token);
        let what = match frequency {
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
        };
        let text = format!(
            "Someone, hopefully you, asked for the {what} digest of trending papers at this \
             address.\n\nConfirm the subscription: {confirm}\n\nIf it was not you, ignore this \
             mail: nothing more will be sent.\n"
        );
        let html = format!(
            "<p>Someone, hopefully you, asked for the {what} digest of trending papers at this \
             address.</p><p><a href=\"{link}\">Confirm the subscription</a></p><p>If it was not \
             you, ignore this mail: nothing more will be sent.</p>",
            link = escape(&confirm)
        );
        self.message(
            to,
            &format!("Confirm your {what} Papers digest"),
            None,
            text,
            html,
        )
    }

    /// One digest.
    pub fn digest(&self, to: &str, digest: &Digest, token: &str) -> Result<Message, String> {
        let unsubscribe = self.link("/digest/unsubscribe", token);
        let mut text = format!("{}\n\n", digest.heading);
        let mut html = format!("<h1>{}</h1><ol>", escape(&digest.heading));
        for paper in &digest.papers {
            text.push_str(&format!(
                "{rank}. {title}\n   {authors}\n   {upvotes} upvotes · {link}\n   {excerpt}\n\n",
                rank = paper.rank,
                title = paper.title,
                authors = paper.authors,
                upvotes = paper.upvotes,
                link = paper.link,
                excerpt = paper.excerpt,
            ));
            html.push_str(&format!(
                "<li><p><a href=\"{link}\"><strong>{title}</strong></a><br>{authors}<br>{upvotes} \
                 upvotes</p><p>{excerpt}</p></li>",
                link = escape(&paper.link),
                title = escape(&paper.title),
                authors = escape(&paper.authors),
                upvotes = paper.upvotes,
                excerpt = escape(&paper.excerpt),
            ));
        }
        text.push_str(&format!("Unsubscribe: {unsubscribe}\n"));
        html.push_str(&format!(
            "</ol><p><a href=\"{}\">Unsubscribe</a></p>",
            escape(&unsubscribe)
        ));
        self.message(to, &digest.subject, Some(unsubscribe), text, html)
    }

    fn message(
        &self,
        to: &str,
        subject: &str,
        unsubscribe: Option<String>,
        text: String,
        html: String,
    ) -> Result<Message, String> {
        let to: Mailbox = to.parse().map_err(|_| format!("{to:?} is not a mailbox"))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject);
        if let Some(url) = unsubscribe {
            builder = builder
                .header(ListUnsubscribe(format!("<{url}>")))
                .header(ListUnsubscribePost);
        }
        builder
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|e| e.to_string())
    }
}

/// A digest ready to be mailed: the same for every subscriber of a period.
#[derive(Debug, Clone)]
pub struct Digest {
    pub subject: String,
    pub heading: String,
    pub papers: Vec<DigestPaper>,
}

#[derive(Debug, Clone)]
pub struct DigestPaper {
    pub rank: usize,
    pub title: String,
    /// The first authors, then "et al." when there are more.
    pub authors: String,
    pub upvotes: i32,
    pub link: String,
    /// The start of the abstract.
    pub excerpt: String,
}

/// `List-Unsubscribe: <https://…/digest/unsubscribe?token=…>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): a POST to the link
/// unsubscribes, with no page to go through.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}
