; AI Workstation Manager's Windows installer, for Inno Setup 6 (https://jrsoftware.org/isinfo.php).
;
; Built by .github/workflows/windows.yml from the repository root, after `pyinstaller packaging/aiwm.spec`
; made the one-folder bundle dist\aiwm\ (the version comes from app/__init__.py via installer_version.py):
;
;   iscc /DAppVersion=0.1.0 /DAppNumericVersion=0.1.0 packaging\windows\aiwm.iss
;
; It needs Inno Setup 6.3 or later: the architecture identifier x64compatible below is new in 6.3
; (https://jrsoftware.org/ishelp/topic_archidentifiers.htm); the workflow checks ISCC's version first.
; writes dist\aiwm-<version>-windows-x64-setup.exe. It installs for the current user only, without
; administrator rights, into %LOCALAPPDATA%\Programs\AIWM, with a Start-menu entry, an optional desktop
; icon and an uninstaller (Settings > Apps, or the Start menu). Relative paths are from this file's folder.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (installer_version.py reads it from app/__init__.py)
#endif
#ifndef AppNumericVersion
  #define AppNumericVersion AppVersion
#endif
#define AppName "AI Workstation Manager"
#define BundleDir "..\..\dist\aiwm"
; The menu entry starts the windowed program when the bundle has one (no console window behind it),
; else the console one; both open the window when started without a command.
#if FileExists(AddBackslash(SourcePath) + BundleDir + "\aiwm-gui.exe")
  #define AppExeName "aiwm-gui.exe"
#else
  #define AppExeName "aiwm.exe"
#endif

[Setup]
; AppId ties upgrades and the uninstaller to this program: never change it.
AppId={{AFCB860D-9FA6-44E7-9C05-7582337B2093}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=AI Workstation Manager developers
VersionInfoVersion={#AppNumericVersion}
VersionInfoProductName={#AppName}
VersionInfoProductVersion={#AppNumericVersion}
VersionInfoDescription={#AppName} setup
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\AIWM
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile=..\icons\aiwm.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=aiwm-{#AppVersion}-windows-x64-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Tasks: desktopicon
; The uninstaller in the Start menu too ("Uninstall AI Workstation Manager"), besides Settings > Apps.
Name: "{autoprograms}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
