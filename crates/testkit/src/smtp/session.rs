//! One SMTP conversation (RFC 5321, the subset a client needs to hand over a message).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::{ReceivedMail, Shared};

/// Lines longer than this end the session: a runaway client, not mail.
const MAX_LINE: usize = 64 * 1024;

pub(super) async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    let _ = converse(stream, &shared).await;
}

async fn converse(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    if !shared.available.load(Ordering::SeqCst) {
        shared.refused.fetch_add(1, Ordering::SeqCst);
        write
            .write_all(b"421 4.3.2 kinwarden-sink is down for the test\r\n")
            .await?;
        return write.shutdown().await;
    }
    write.write_all(b"220 kinwarden-sink ESMTP\r\n").await?;

    let mut mail_from: Option<String> = None;
    let mut rcpt_to: Vec<String> = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if read.read_line(&mut line).await? == 0 || line.len() > MAX_LINE {
            return Ok(());
        }
        let command = line.trim_end_matches(['\r', '\n']);
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-kinwarden-sink\r\n250 8BITMIME\r\n",
            "HELO" | "NOOP" => b"250 OK\r\n",
            "RSET" => {
                mail_from = None;
                rcpt_to.clear();
                b"250 OK\r\n"
            }
            "MAIL" => {
                mail_from = Some(path_argument(command));
                rcpt_to.clear();
                b"250 OK\r\n"
            }
            "RCPT" if mail_from.is_some() => {
                let recipient = path_argument(command);
                if shared.knows_recipient(&recipient) {
                    rcpt_to.push(recipient);
                    b"250 OK\r\n"
                } else {
                    b"550 5.1.1 no such user here\r\n"
                }
            }
            "DATA" if mail_from.is_some() && !rcpt_to.is_empty() => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let Some(data) = read_data(&mut read).await? else {
                    return Ok(());
                };
                shared.receive(ReceivedMail::new(
                    mail_from.take().unwrap_or_default(),
                    std::mem::take(&mut rcpt_to),
                    data,
                ));
                b"250 OK queued\r\n"
            }
            "RCPT" | "DATA" => b"503 5.5.1 bad sequence of commands\r\n",
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return write.shutdown().await;
            }
            _ => b"502 5.5.2 command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// The address inside `<…>` of `MAIL FROM:<a@b> BODY=8BITMIME` or `RCPT TO:<c@d>`.
fn path_argument(command: &str) -> String {
    command
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_string())
        .unwrap_or_default()
}

/// The message up to the lone `.` line, with dot-stuffing undone; `None` if the client hung up.
async fn read_data<R: AsyncBufReadExt + Unpin>(read: &mut R) -> std::io::Result<Option<String>> {
    let mut data = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if read.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        if line == ".\r\n" || line == ".\n" {
            return Ok(Some(data));
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_commands() {
        assert_eq!(path_argument("MAIL FROM:<a@b.se> BODY=8BITMIME"), "a@b.se");
        assert_eq!(path_argument("RCPT TO:<c@d.se>"), "c@d.se");
        assert_eq!(path_argument("MAIL FROM:<>"), "");
        assert_eq!(path_argument("RCPT TO:x"), "");
    }
}
