//! `kinwarden installation disable|enable ID` (cloud): turn a self-hosted server's registration
//! off, so its tokens stop working at once and it gets no new ones, or back on.

use kinwarden_app::jobs::message;

use crate::bwdata::Bwdata;
use crate::commands::CliError;
use crate::compose::app_for_command;

pub async fn set_enabled(bwdata: &Bwdata, id: &str, enabled: bool) -> Result<(), CliError> {
    let id = id
        .parse()
        .map_err(|_| CliError::failed(format!("`{id}` is not an installation id")))?;
    let app = app_for_command(bwdata).await?;
    let switched = kinwarden_app::installations::state::set_enabled(&app, id, enabled).await;
    app.close().await;
    match switched {
        Ok(()) => {
            println!(
                "Installation {id} {}.",
                if enabled { "enabled" } else { "disabled" }
            );
            Ok(())
        }
        Err(kinwarden_app::AppError::NotFound) => Err(CliError::failed(format!(
            "no installation {id} is registered with this cloud"
        ))),
        Err(err) => Err(CliError::failed(message(&err))),
    }
}
