; Inno Setup script: Chinese installer for the one-folder bundle (dist\成德同城化).
; Per-user install without administrator rights; Start-menu and desktop shortcuts;
; the uninstaller removes the program but never the user's data (Documents\成德同城化,
; %LOCALAPPDATA%\成德同城化).
; Build: python packaging\build.py --installer   (or ISCC /DAppVersion=0.1.0 packaging\installer.iss)

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "成德同城化重大项目管理"
#define AppFolder "成德同城化"

[Setup]
AppId={{6C1E4B0A-3D1F-4C8B-9E2A-5B7D0C2F8A11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=成德同城化发展领导小组办公室
DefaultDirName={localappdata}\Programs\{#AppFolder}
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\dist
OutputBaseFilename=成德同城化-安装程序-{#AppVersion}
SetupIconFile=..\resources\icons\app.ico
UninstallDisplayIcon={app}\desktop-app.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
ShowLanguageDialog=no

[Languages]
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; GroupDescription: "附加快捷方式："

[Files]
Source: "..\dist\{#AppFolder}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\desktop-app.exe"
Name: "{group}\卸载 {#AppName}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\desktop-app.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\desktop-app.exe"; Description: "立即运行 {#AppName}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself wrote into its own folder; the user's database, backups,
; settings and logs live elsewhere and are kept.
Type: filesandordirs; Name: "{app}\__pycache__"
