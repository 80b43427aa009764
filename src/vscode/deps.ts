import type * as vscode from "vscode";
import type {DrafterRegistry} from "./drafterRegistry";
import type {EngineHost} from "./engineHost";
import type {JobGate} from "./jobs";
import type {LanguageIdentifier} from "../core/langid";
import type {Log} from "./log";
import type {StatsPanel} from "./panel";
import type {Router} from "./router";
import type {SettingsService} from "./settings";
import type {StatsService} from "./statsService";
import type {StatusBar} from "./statusBar";

/** The services the commands and providers are built from (explicit constructor dependencies, created in activate). */
export interface Deps {
    readonly context: vscode.ExtensionContext;
    readonly log: Log;
    readonly settings: SettingsService;
    readonly status: StatusBar;
    readonly host: EngineHost;
    readonly gate: JobGate;
    readonly router: Router;
    readonly stats: StatsService;
    readonly registry: DrafterRegistry;
    readonly langid: LanguageIdentifier;
    readonly panel: StatsPanel;
}
