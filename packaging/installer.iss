; Inno Setup script: Chinese installer for the one-folder bundle (dist\成德同城化).
; Per-user install without administrator rights; Start-menu and desktop shortcuts;
; the uninstaller removes the program but never the user's data (Documents\成德同城化,
; %LOCALAPPDATA%\成德同城化).
; Build: python packaging\build.py --installer   (or ISCC /DAppVersion=0.1.0 packaging\installer.iss)
; Needs Inno Setup 6.3 or newer. The file is UTF-8 with a byte-order mark, which every Inno Setup 6
; and 7 reads as UTF-8.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "成德同城化重大项目管理"
#define AppFolder "成德同城化"
#ifndef BundleDir
  #define BundleDir "..\dist\" + AppFolder
#endif

; The wizard's Chinese texts: one of Inno Setup's own languages since 7.0.2 (Languages\ in the
; compiler's folder); with an older compiler, the same file placed next to this script (build.py
; says where to get it).
#ifndef ChineseMessages
  #define ChineseMessages AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl"
  #if !FileExists(ChineseMessages)
    #define ChineseMessages AddBackslash(SourcePath) + "ChineseSimplified.isl"
  #endif
#endif
#if !FileExists(ChineseMessages)
  #error 缺少简体中文语言文件 ChineseSimplified.isl：请使用 Inno Setup 7.0.2 或更新版本，或把该文件放在 installer.iss 旁。
#endif

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
Name: "chs"; MessagesFile: "{#ChineseMessages}"

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; GroupDescription: "附加快捷方式："

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

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
